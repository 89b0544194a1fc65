import * as client from 'openid-client';
import type { Role } from '../../src/spec/access-api.ts';
import { roleAtLeast } from '../../src/spec/access-api.ts';
import { isLoopbackHost } from '../config/loopback.ts';
import type { OidcConfig } from '../config/oidc-config.ts';

/** What the browser carries between the redirect to the provider and the callback. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

export interface SignedInUser {
  subject: string;
  name: string;
  claimedRole: Role;
}

const isLoopbackUrl = (url: URL) => url.protocol === 'http:' && isLoopbackHost(url.hostname);

/** The role a claim value (a string or a list of them) maps to: the highest one mapped, else the default. */
export function roleFromClaim(value: unknown, config: Pick<OidcConfig, 'roleMap' | 'defaultRole'>): Role {
  const values = (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
  let role: Role = config.defaultRole;
  for (const item of values) {
    const mapped = config.roleMap[item];
    if (mapped && roleAtLeast(mapped, role)) role = mapped;
  }
  return role;
}

/**
 * OpenID Connect sign-in with openid-client: authorization code flow with PKCE (S256),
 * state and nonce. The provider's metadata is discovered on first use and kept; a
 * failed discovery is tried again on the next sign-in, so a server starts even while
 * its provider is down.
 */
export class OidcSignIn {
  private configuration: Promise<client.Configuration> | undefined;

  constructor(private readonly config: OidcConfig) {}

  /** Plain HTTP is allowed only to a provider on this machine (tests, a local provider). */
  private discover(): Promise<client.Configuration> {
    const issuer = new URL(this.config.issuer);
    const auth = this.config.clientSecret ? client.ClientSecretBasic(this.config.clientSecret) : client.None();
    const found = client.discovery(issuer, this.config.clientId, undefined, auth, isLoopbackUrl(issuer) ? { execute: [client.allowInsecureRequests] } : {});
    found.catch(() => {
      if (this.configuration === found) this.configuration = undefined;
    });
    this.configuration = found;
    return found;
  }

  private configured(): Promise<client.Configuration> {
    return this.configuration ?? this.discover();
  }

  /** The provider's authorization URL, and what the callback must check it against. */
  async start(returnTo: string): Promise<{ url: URL; pending: PendingSignIn }> {
    const configuration = await this.configured();
    const pending: PendingSignIn = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier(), returnTo };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.redirectUrl,
      scope: this.config.scopes,
      response_type: 'code',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, pending };
  }

  /**
   * Redeems the code of a callback. The callback URL is rebuilt from the configured
   * redirect URL, never from the request's Host header.
   */
  async finish(query: string, pending: PendingSignIn): Promise<SignedInUser> {
    const configuration = await this.configured();
    const callback = new URL(this.config.redirectUrl);
    callback.search = query;
    const tokens = await client.authorizationCodeGrant(configuration, callback, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const claims: Record<string, unknown> = { ...tokens.claims() };
    const subject = typeof claims.sub === 'string' ? claims.sub : '';
    if (!subject) throw new Error('the ID token names no subject');
    // Providers that keep groups out of the ID token serve them from userinfo.
    if (claims[this.config.roleClaim] === undefined && configuration.serverMetadata().userinfo_endpoint) {
      Object.assign(claims, await client.fetchUserInfo(configuration, tokens.access_token, subject));
    }
    const name = [claims.name, claims.preferred_username, claims.email].find((value): value is string => typeof value === 'string' && value !== '') ?? subject;
    return { subject, name, claimedRole: roleFromClaim(claims[this.config.roleClaim], this.config) };
  }
}
