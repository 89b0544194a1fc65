import { sendSourceRequest, type SourceRequest } from '../../../sources/source-request';
import { SourceFetchError } from '../../../sources/source-fetch';
import type { SourcePolicy } from '../../../sources/source-policy';
import { RegistryPushError, readBounded } from './registry-error';

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
 * cannot be replayed), after the challenge is answered. Every request, the token service's
 * too, goes through the source policy (server/sources/source-request.ts). Credentials and
 * tokens never reach a log line or an error message.
 */
export class RegistryAuth {
  private authorization: string | undefined;

  constructor(
    /** The registry's own origin: the kept answer is sent only there, never to an upload URL elsewhere. */
    private readonly origin: string,
    private readonly repository: string,
    private readonly credentials: RegistryCredentials | undefined,
    private readonly policy: SourcePolicy,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async fetch(url: string, request: SourceRequest): Promise<Response> {
    const first = await this.send(url, request);
    if (first.status !== 401) return first;
    const challenge = first.headers.get('www-authenticate');
    await first.body?.cancel();
    if (!challenge) throw new RegistryPushError(`${new URL(url).host} refused the request (HTTP 401) without saying how to authenticate`, 401);
    await this.answer(challenge);
    return this.send(url, request);
  }

  private async send(
    url: string,
    request: SourceRequest,
    authorization = new URL(url).origin === this.origin ? this.authorization : undefined,
  ): Promise<Response> {
    const headers = { ...request.headers, ...(authorization ? { authorization } : {}) };
    try {
      const { response } = await sendSourceRequest(url, { ...request, headers }, { policy: this.policy, signal: this.signal });
      return response;
    } catch (error) {
      if (this.signal?.aborted || !(error instanceof SourceFetchError)) throw error;
      const cause = error.cause instanceof Error ? error.cause.message : error.detail;
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
    if (scheme !== 'bearer' || !params.realm) throw new RegistryPushError(`the registry asks for an authentication Stamper does not speak: ${scheme}`, 401);
    let tokenUrl: URL;
    try {
      tokenUrl = new URL(params.realm);
    } catch {
      throw new RegistryPushError('the registry named a token service that is not a URL', 401);
    }
    if (params.service) tokenUrl.searchParams.set('service', params.service);
    tokenUrl.searchParams.set('scope', `repository:${this.repository}:pull,push`);
    const response = await this.send(tokenUrl.toString(), { method: 'GET' }, this.basic());
    if (!response.ok) {
      await response.body?.cancel();
      throw new RegistryPushError(`the registry's token service ${tokenUrl.host} refused a push token: HTTP ${response.status}`, response.status);
    }
    let body: { token?: unknown; access_token?: unknown } = {};
    try {
      body = JSON.parse(await readBounded(response, 64 * 1024)) as typeof body;
    } catch {
      // not JSON (or cut short): answered below as "without a token"
    }
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
    if (!token) throw new RegistryPushError(`the registry's token service ${tokenUrl.host} answered without a token`);
    this.authorization = `Bearer ${token}`;
  }
}
