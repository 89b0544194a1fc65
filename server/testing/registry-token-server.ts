import { createSign, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runProcess } from '../pipeline/exec';

/**
 * The token service of the distribution registry's Bearer flow, for tests: it checks Basic
 * credentials and hands out a JWT signed with a throwaway key whose certificate the real
 * registry trusts (its `auth.token.rootcertbundle`). Grants whatever scope is asked.
 */
export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  rootCertBundle: string;
  /** The scopes requested so far, to see what a client asked for. */
  scopes: string[];
  close(): Promise<void>;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export async function startTokenServer(dir: string, credentials: { username: string; password: string }): Promise<TokenServer> {
  const key = join(dir, 'token-key.pem');
  const cert = join(dir, 'token-cert.pem');
  await runProcess(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=stamper-test-token'],
    {
      quiet: true,
    },
  );
  const privateKey = await readFile(key, 'utf8');
  const der = (await readFile(cert, 'utf8')).replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const service = 'stamper-test-registry';
  const issuer = 'stamper-test-issuer';
  const scopes: string[] = [];
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    if (req.headers.authorization !== expected) {
      res.writeHead(401).end();
      return;
    }
    const scope = url.searchParams.get('scope') ?? '';
    scopes.push(scope);
    const [type, name, actions] = scope.split(':');
    const now = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [der] }));
    const claims = base64url(
      JSON.stringify({
        iss: issuer,
        sub: credentials.username,
        aud: url.searchParams.get('service'),
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access: type && name ? [{ type, name, actions: (actions ?? '').split(',') }] : [],
      }),
    );
    const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(privateKey);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `${header}.${claims}.${base64url(signature)}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    rootCertBundle: cert,
    scopes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
