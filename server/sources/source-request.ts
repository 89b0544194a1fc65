import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SourceFetchError, describeNetworkError, guardedLookup } from './source-fetch.ts';
import { SourcePolicyError, checkSourceUrl, type SourcePolicy } from './source-policy.ts';

/**
 * Any HTTP request a build sends to a host a spec names (a registry push: POST, PUT with
 * a body), under the same source policy as the GETs of source-fetch.ts: the URL is checked
 * before connecting, every address the name resolves to when connecting, and each redirect
 * hop the same way, because redirects are followed here by hand.
 */
export interface SourceRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  /** Built afresh for each send: a stream cannot be replayed after a redirect. */
  body?: () => Buffer | Readable;
}

export interface SourceRequestOptions {
  policy: SourcePolicy;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxRedirects?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Answers the fetch standard gives no body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * Sends the request; answers with the URL that answered and its web Response. A 307/308 is followed with the same method
 * and body; 301/302/303 only for GET and HEAD, since re-sending a PUT as a GET would change
 * what the request means. Credentials in `authorization` go only to the first URL's origin.
 */
export async function sendSourceRequest(url: string, request: SourceRequest, options: SourceRequestOptions): Promise<{ url: string; response: Response }> {
  const timeout = options.timeoutMs ?? 10 * 60_000;
  const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(timeout)]) : AbortSignal.timeout(timeout);
  const first = checkSourceUrl(url, options.policy);
  let current = first;
  for (let hop = 0; ; hop++) {
    const headers: OutgoingHttpHeaders = { 'user-agent': 'stamper', ...request.headers };
    if (current.origin !== first.origin) delete headers.authorization;
    const message = await sendOnce(current, request, headers, options, signal, timeout);
    const status = message.statusCode ?? 0;
    const location = message.headers.location;
    const followable = status === 307 || status === 308 || request.method === 'GET' || request.method === 'HEAD';
    if (REDIRECTS.has(status) && location && followable) {
      message.resume();
      if (hop >= (options.maxRedirects ?? 5)) throw new SourceFetchError(current.href, `more than ${options.maxRedirects ?? 5} redirects`);
      current = checkSourceUrl(new URL(location, current), options.policy);
      continue;
    }
    return { url: current.href, response: toResponse(message, request.method) };
  }
}

function sendOnce(
  url: URL,
  request: SourceRequest,
  headers: OutgoingHttpHeaders,
  options: SourceRequestOptions,
  signal: AbortSignal,
  timeout: number,
): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: request.method, signal, lookup: guardedLookup(url.href, options.policy), headers }, resolve);
    req.on('error', (err) => {
      if (err instanceof SourcePolicyError) reject(err);
      else if (options.signal?.aborted) reject(options.signal.reason ?? err);
      else if (signal.aborted) reject(new SourceFetchError(url.href, `no answer within ${Math.round(timeout / 1000)} s`, { cause: err }));
      else reject(new SourceFetchError(url.href, describeNetworkError(err), { cause: err }));
    });
    const body = request.body?.();
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    // a failed body stream fails the request, which rejects above
    else pipeline(body, req).catch((err: unknown) => req.destroy(err instanceof Error ? err : new Error(String(err))));
  });
}

function toResponse(message: IncomingMessage, method: SourceRequest['method']): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const status = message.statusCode ?? 0;
  const empty = method === 'HEAD' || NULL_BODY.has(status);
  if (empty) message.resume();
  const body = empty ? null : (Readable.toWeb(message) as ReadableStream<Uint8Array>);
  return new Response(body, { status: status < 200 || status > 599 ? 502 : status, statusText: message.statusMessage ?? '', headers });
}
