import { RegistryPushError } from './registry-error';

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** `Bearer realm="…",service="…",scope="…"` → scheme and parameters. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const match of header.slice(space + 1).matchAll(/([A-Za-z_]+)="([^"]*)"/g)) {
    if (match[1] && match[2] !== undefined) params[match[1].toLowerCase()] = match[2];
  }
  return { scheme, params };
}

/**
 * Answers a registry's 401 the two ways registries ask: Basic with the credentials, or
 * Bearer with a token from the challenge's realm (the distribution token flow, anonymous or
 * with the credentials), scoped to pull and push on the one repository. The answer is kept
 * for the requests after it; a request is sent again once, built afresh (stream bodies
 * cannot be replayed), after the challenge is answered.
 */
export class RegistryAuth {
  private authorization: string | undefined;

  constructor(
    private readonly repository: string,
    private readonly credentials: RegistryCredentials | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async fetch(url: string, init: RequestInit | (() => RequestInit)): Promise<Response> {
    const make = typeof init === 'function' ? init : () => init;
    const first = await this.send(url, make());
    if (first.status !== 401) return first;
    const challenge = first.headers.get('www-authenticate');
    await first.body?.cancel();
    if (!challenge) throw new RegistryPushError(`${new URL(url).host} refused the request (HTTP 401) without saying how to authenticate`, 401);
    await this.answer(challenge);
    return this.send(url, make());
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.authorization) headers.set('authorization', this.authorization);
    try {
      return await fetch(url, { ...init, headers, signal: this.signal, redirect: 'follow' });
    } catch (error) {
      if (this.signal?.aborted) throw error;
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new RegistryPushError(`cannot reach the registry at ${new URL(url).host}: ${cause}`);
    }
  }

  private basic(): string | undefined {
    if (!this.credentials) return undefined;
    return `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
  }

  private async answer(header: string): Promise<void> {
    const { scheme, params } = parseChallenge(header);
    if (scheme === 'basic') {
      const basic = this.basic();
      if (!basic) throw new RegistryPushError('the registry asks for a user name and password, and none were given', 401);
      this.authorization = basic;
      return;
    }
    if (scheme !== 'bearer' || !params.realm) throw new RegistryPushError(`the registry asks for an authentication Stamper does not speak: ${header}`, 401);
    const tokenUrl = new URL(params.realm);
    if (params.service) tokenUrl.searchParams.set('service', params.service);
    tokenUrl.searchParams.set('scope', `repository:${this.repository}:pull,push`);
    const basic = this.basic();
    const response = await fetch(tokenUrl, { headers: basic ? { authorization: basic } : {}, signal: this.signal });
    if (!response.ok)
      throw new RegistryPushError(`the registry's token service ${tokenUrl.host} refused a push token: HTTP ${response.status}`, response.status);
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryPushError(`the registry's token service ${tokenUrl.host} answered without a token`);
    this.authorization = `Bearer ${token}`;
  }
}
