import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { MAX_SPEC_BYTES } from '../../src/spec/yaml-spec.ts';
import type { ServerConfig } from '../config/server-config.ts';
import { installErrorHandler } from './error-handler.ts';
import { acceptJsonBodies } from './json-body.ts';
import { DroppingLogDestination } from './log-destination.ts';
import { collectRoutes } from './openapi-document.ts';
import { installRequestGuard } from './request-guard.ts';
import { catalogRoutes } from './routes/catalog-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { interopRoutes } from './routes/interop-routes.ts';
import { openApiRoute } from './routes/openapi-route.ts';
import { packagesRoutes } from './routes/packages-routes.ts';
import { preflightRoutes } from './routes/preflight-routes.ts';
import { sessionRoutes } from './routes/session-routes.ts';
import { oidcRoutes, SIGN_IN_PATH } from './routes/oidc-routes.ts';
import { sourceRoutes } from './routes/source-routes.ts';
import { specRoutes } from './routes/spec-routes.ts';
import { installStaticSpa } from './static-spa.ts';
import type { AccessStore } from '../store/access-store.ts';

export interface AppOptions {
  config: ServerConfig;
  /** Route plugins that need the build service, added by the caller that owns it. */
  registerBuildRoutes?: (app: FastifyInstance) => Promise<void>;
  queueLength?: () => number | Promise<number>;
  logger?: boolean;
  /** Personal access tokens and browser sessions, kept beside the builds (SQLite or the shared Postgres). */
  access?: AccessStore;
}

/**
 * The HTTP app: guards first, then external plugins, then routes by resource,
 * then the SPA as the fallback for everything else.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    logger: options.logger ? { stream: new DroppingLogDestination() } : false,
    // A little headroom over the spec limit so the spec parser, not the transport, reports the size.
    bodyLimit: MAX_SPEC_BYTES + 64 * 1024,
    // Build ids and artifact names are matched exactly; no trailing-slash or case folding games.
    routerOptions: { ignoreTrailingSlash: false, caseSensitive: true },
    forceCloseConnections: true,
  });

  // before any route, so the OpenAPI document sees every one
  const routes = collectRoutes(app);
  installErrorHandler(app);
  acceptJsonBodies(app);
  installRequestGuard(app, {
    host: config.host,
    port: () => {
      const address = app.server.address();
      return typeof address === 'object' && address ? address.port : config.port;
    },
    token: config.token,
    allowedOrigins: config.allowedOrigins,
    access: options.access,
    signIn: Boolean(config.oidc),
  });
  await app.register(rateLimit, { global: false });

  await app.register(healthRoutes, { queueLength: options.queueLength ?? (() => 0) });
  const signIn = config.oidc && options.access ? { oidc: config.oidc, access: options.access } : undefined;
  await app.register(sessionRoutes, { token: config.token, access: options.access, ...(signIn ? { signInUrl: SIGN_IN_PATH } : {}) });
  if (signIn) await app.register(oidcRoutes, signIn);
  await app.register(catalogRoutes, { containerdReleasesUrl: config.containerdReleasesUrl });
  await app.register(specRoutes);
  await app.register(openApiRoute, { routes });
  await app.register(interopRoutes, {
    dataDir: config.dataDir,
    signingKeyDir: config.signingKeyDir,
    ...(config.preflight ? { sourceCheck: { policy: config.sourcePolicy } } : {}),
  });
  await app.register(packagesRoutes, { dataDir: config.dataDir, sourcePolicy: config.sourcePolicy });
  await app.register(preflightRoutes, { settings: config });
  await app.register(sourceRoutes, { settings: config });
  if (options.registerBuildRoutes) await options.registerBuildRoutes(app);

  await installStaticSpa(app, config.staticDir);
  // Roles are declared per route; one without a role would be admin-only by accident, so it stops the start instead.
  app.addHook('onReady', async () => {
    const undeclared = routes().filter((route) => !route.isPublic && !route.role);
    if (undeclared.length > 0) throw new Error(`routes without config.role (route-access.ts): ${undeclared.map((r) => `${r.method} ${r.url}`).join(', ')}`);
  });
  return app;
}
