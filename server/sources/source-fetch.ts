import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { SourcePolicyError, addressRefusal, checkSourceUrl, type SourcePolicy } from './source-policy.ts';

export interface SourceResponse {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  statusText: string;
  body: IncomingMessage;
}

export interface SourceFetchOptions {
  policy: SourcePolicy;
  signal: AbortSignal;
  method?: 'GET' | 'HEAD';
  timeoutMs?: number;
  maxRedirects?: number;
}

/** A network failure in words a user can act on: the code (ECONNREFUSED, ENOTFOUND, …) and Node's message. */
export class SourceFetchError extends Error {
  override name = 'SourceFetchError';
  constructor(
    readonly url: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${url}: ${detail}`, options);
  }
}

/**
 * Resolves every address of the name and refuses the connection if any one is refused:
 * the check runs on the addresses the socket then connects to, so a DNS answer that
 * changes between a check and the fetch (rebinding) cannot slip past it.
 */
export function guardedLookup(url: string, policy: SourcePolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      for (const entry of addresses) {
        const reason = addressRefusal(entry.address, policy);
        if (reason) return callback(new SourcePolicyError(url, `${hostname} resolves to ${reason}`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      return callback(null, first.address, first.family);
    });
  };
}

export function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
}

function requestOnce(url: URL, options: SourceFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: options.method ?? 'GET', signal, lookup: guardedLookup(url.href, options.policy), headers: { 'user-agent': 'stamper' } },
      resolve,
    );
    req.on('error', (err) => {
      if (err instanceof SourcePolicyError) reject(err);
      else if (signal.aborted && options.signal.aborted) reject(options.signal.reason ?? err);
      else if (signal.aborted) reject(new SourceFetchError(url.href, `no answer within ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s`, { cause: err }));
      else reject(new SourceFetchError(url.href, describeNetworkError(err), { cause: err }));
    });
    req.end();
  });
}

/**
 * GET or HEAD under the operator's source policy. Redirects are followed by hand so each
 * new location is checked like the first. Non-2xx answers are returned, not thrown.
 */
export async function fetchSource(url: string, options: SourceFetchOptions): Promise<SourceResponse> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs ?? 30_000)]);
  let current = checkSourceUrl(url, options.policy);
  for (let hop = 0; ; hop++) {
    const response = await requestOnce(current, options, signal);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location) {
      response.resume();
      if (hop >= (options.maxRedirects ?? 5)) throw new SourceFetchError(current.href, `more than ${options.maxRedirects ?? 5} redirects`);
      current = checkSourceUrl(new URL(location, current), options.policy);
      continue;
    }
    return { url: current.href, status, statusText: response.statusMessage ?? '', body: response };
  }
}

/** `HTTP 404 Not Found`: the status and its words, as a user reads them. */
export const describeStatus = (response: Pick<SourceResponse, 'status' | 'statusText'>): string =>
  `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
