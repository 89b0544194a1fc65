import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ApiError } from '../../src/spec/build-api.ts';
import { hostForHeader, isWildcardHost } from '../config/loopback.ts';
import { roleAtLeast } from '../../src/spec/access-api.ts';
import { resolvePrincipal } from '../access/principal.ts';
import type { AccessStore } from '../store/access-store.ts';
import { isPublicRequest, requiredRole } from './route-access.ts';

export interface GuardOptions {
  /** The address the server listens on (as configured). */
  host: string;
  /** The port it actually listens on (known only after listen when configured as 0). */
  port: () => number;
  token?: string;
  allowedOrigins: string[];
  /** Personal access tokens and browser sessions. */
  access?: AccessStore;
  /** OpenID Connect sign-in is configured: callers need a credential even without STAMPER_TOKEN. */
  signIn?: boolean;
}

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

/**
 * Runs first on every request: Host and Origin must name this server (defence against
 * DNS rebinding and cross-site requests, since there is no CORS), then who is calling
 * (principal.ts) and whether the route's role allows it. Fastify routes before onRequest
 * hooks run, so the rule is read from the matched route (see route-access.ts), not from the URL.
 */
export function installRequestGuard(app: FastifyInstance, options: GuardOptions): void {
  const sources = { token: options.token, tokenMatches, access: options.access, authRequired: Boolean(options.token) || Boolean(options.signIn) };
  app.decorateRequest('principal', null);
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
    request.principal = await resolvePrincipal(request, sources);
    if (isPublicRequest(request)) return;
    if (!request.principal) {
      const body: ApiError = { code: 'unauthorized', message: 'a valid bearer token is required' };
      return reply.code(401).header('www-authenticate', 'Bearer').send(body);
    }
    const needed = requiredRole(request);
    if (!roleAtLeast(request.principal.role, needed)) {
      const body: ApiError = { code: 'forbidden', message: `this needs the ${needed} role; ${request.principal.name} is ${request.principal.role}` };
      return reply.code(403).send(body);
    }
  });
}
