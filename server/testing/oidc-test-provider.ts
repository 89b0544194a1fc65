import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A user of the test provider: signs in with `login` (any password, the dev login form). */
export interface TestUser {
  login: string;
  name: string;
  groups: string[];
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

/**
 * A real OpenID provider (oidc-provider, a certified implementation) on loopback, with
 * its development login and consent pages: authorization code + PKCE, discovery, JWKS,
 * userinfo, all as a production provider speaks them. Groups come from userinfo (the
 * profile scope), as many providers do, not from the ID token.
 */
export async function startOidcProvider(options: { redirectUris: string[]; users: TestUser[] }): Promise<TestOidcProvider> {
  // The issuer names the port, so the provider is made after the server listens.
  const route: { handler?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const server = createServer((req, res) => {
    if (route.handler) route.handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'stamper-test';
  const clientSecret = 'stamper-test-client-secret-0123456789';
  const users = new Map(options.users.map((user) => [user.login, user]));

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    claims: { openid: ['sub'], profile: ['name', 'groups'], email: ['email'] },
    findAccount: async (_ctx, id) => {
      const user = users.get(id);
      if (!user) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, name: user.name, groups: user.groups, email: `${id}@example.test` }) };
    },
    cookies: { keys: ['stamper-test-provider-cookie-key'] },
    features: { devInteractions: { enabled: true } },
  });
  // The dev pages warn on every start; the tests know they use them.
  provider.on('server_error', (_ctx, error) => console.error('test OpenID provider:', error));
  route.handler = provider.callback();

  return {
    issuer,
    clientId,
    clientSecret,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
