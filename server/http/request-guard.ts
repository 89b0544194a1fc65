import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiError } from '../../src/spec/build-api.ts';
import { hostForHeader, isWildcardHost } from '../config/loopback.ts';
import { isPublicRequest } from './route-access.ts';

export interface GuardOptions {
  /** The address the server listens on (as configured). */
  host: string;
  /** The port it actually listens on (known only after listen when configured as 0). */
  port: () => number;
  token?: string;
  allowedOrigins: string[];
}

export const TOKEN_COOKIE = 'stamper_token';

/** Host names a browser may use to reach this server; anything else is a DNS-rebinding attempt. */
function allowedHostHeaders(options: GuardOptions): Set<string> {
  const port = options.port();
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  if (!isWildcardHost(options.host)) names.add(hostForHeader(options.host));
  const allowed = new Set([...names].map((name) => `${name}:${port}`));
  // Browsers omit the port when it is the scheme's default.
  if (port === 80 || port === 443) names.forEach((name) => allowed.add(name));
  for (const origin of options.allowedOrigins) allowed.add(new URL(origin).host);
  return allowed;
}

function allowedOrigins(options: GuardOptions, hosts: Set<string>): Set<string> {
  const origins = new Set(options.allowedOrigins.map((origin) => new URL(origin).origin));
  for (const host of hosts) {
    origins.add(`http://${host}`);
    origins.add(`https://${host}`);
  }
  return origins;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares digests so neither the token's length nor its prefix leaks through timing. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(expected), digest(given));
}

function presentedToken(request: FastifyRequest): string | undefined {
  // The auth scheme is case-insensitive (RFC 9110), the token is not.
  const bearer = /^bearer +(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (bearer) return bearer[1];
  // EventSource cannot set headers, so the browser authenticates with the session cookie.
  const cookies = request.headers.cookie?.split(';').map((part) => part.trim()) ?? [];
  const cookie = cookies.find((part) => part.startsWith(`${TOKEN_COOKIE}=`));
  if (!cookie) return undefined;
  try {
    return decodeURIComponent(cookie.slice(TOKEN_COOKIE.length + 1));
  } catch {
    // A cookie that does not decode is no token: the caller is unauthenticated, not a server error.
    return undefined;
  }
}

/**
 * Runs first on every request: Host and Origin must name this server (defence against
 * DNS rebinding and cross-site requests, since there is no CORS), then the bearer
 * token when one is configured. Fastify routes before onRequest hooks run, so the
 * token rule is read from the matched route (see route-access.ts), not from the URL.
 */
export function installRequestGuard(app: FastifyInstance, options: GuardOptions): void {
  app.addHook('onRequest', async (request, reply) => {
    const hosts = allowedHostHeaders(options);
    const host = request.headers.host?.toLowerCase();
    if (!host || !hosts.has(host)) {
      const body: ApiError = { code: 'bad_host', message: 'Host header does not name this server' };
      return reply.code(421).send(body);
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !allowedOrigins(options, hosts).has(origin.toLowerCase())) {
      const body: ApiError = { code: 'bad_origin', message: 'cross-origin requests are not accepted' };
      return reply.code(403).send(body);
    }
    if (options.token && !isPublicRequest(request) && !tokenMatches(options.token, presentedToken(request))) {
      const body: ApiError = { code: 'unauthorized', message: 'a valid bearer token is required' };
      return reply.code(401).header('www-authenticate', 'Bearer').send(body);
    }
  });
}

export function isAuthenticated(request: FastifyRequest, token: string | undefined): boolean {
  return !token || tokenMatches(token, presentedToken(request));
}
