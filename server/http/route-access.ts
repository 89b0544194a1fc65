import type { FastifyRequest } from 'fastify';
import type { Role } from '../../src/spec/access-api.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role a caller needs (viewer < builder < admin); every non-public route declares one. */
    role?: Role;
    /** Anyone who passed the Host/Origin check may call this route (health, login). */
    public?: boolean;
    /** The web app's files: public, but only for GET/HEAD of a path that is not a server path. */
    webApp?: boolean;
  }
}

/** The route config that opens a route to callers without a token. */
export const publicRoute = { config: { public: true } } as const;

/** Path prefixes the server answers itself; a miss there is a 404, never the web app. */
const serverPath = /^\/(api|healthz|metrics)(\/|$)/i;

/**
 * Whether a raw request URL names a server path, judged on its decoded and
 * normalised form (repeated decoding, duplicate slashes, `.` segments, case; any `..` closes), so no spelling of
 * `/api/...` is taken for a web-app page. A URL that does not decode counts as a
 * server path: being wrong here must close, never open.
 */
export function isServerPath(url: string): boolean {
  let decoded = url.split('?')[0] ?? '';
  // Decoded until stable, so a double-encoded /%2561pi is still /api to this check.
  for (let round = 0; round < 4 && decoded.includes('%'); round += 1) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      return true;
    }
  }
  const segments: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    // No page of the web app has a ".." in its path; closing is the safe answer.
    if (segment === '..') return true;
    segments.push(segment);
  }
  return serverPath.test(`/${segments.join('/')}`);
}

/** A request the web app may answer: a GET/HEAD page load outside the server's own paths. */
export function isPageRequest(request: FastifyRequest): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && !isServerPath(request.url);
}

/**
 * Decided on the route the router matched (not on the URL text), so every spelling
 * the router accepts for a route gets that route's rule. Unmatched requests and
 * the web app's files are public only as page loads, so an unauthenticated caller
 * cannot tell an unknown API path from a known one.
 */
export function isPublicRequest(request: FastifyRequest): boolean {
  const config = request.routeOptions.config;
  if (config.public === true) return true;
  if (config.webApp === true || request.is404) return isPageRequest(request);
  return false;
}

/** The role the matched route asks for. An undeclared route is admin-only (closed, not open); an unknown path needs only a viewer to learn it is unknown. */
export function requiredRole(request: FastifyRequest): Role {
  if (request.is404) return 'viewer';
  return request.routeOptions.config.role ?? 'admin';
}

/** Route config pieces: `{ config: { ...asViewer, doc } }`. */
export const asViewer = { role: 'viewer' } as const;
export const asBuilder = { role: 'builder' } as const;
export const asAdmin = { role: 'admin' } as const;
