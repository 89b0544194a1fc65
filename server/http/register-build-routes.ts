import type { FastifyInstance } from 'fastify';
import type { BuildSystem } from '../builds/build-system.ts';
import { artifactRoutes } from './routes/artifact-routes.ts';
import { buildEventsRoute } from './routes/build-events-route.ts';
import { buildRoutes, type BuildRoutesOptions } from './routes/build-routes.ts';
import { manifestRoutes } from './routes/manifest-routes.ts';
import { metricsRoute } from './routes/metrics-route.ts';
import { updateRoutes } from './routes/update-routes.ts';
import { channelRoutes } from './routes/channel-routes.ts';
import { accessRoutes } from './routes/access-routes.ts';
import { workerRoutes } from './routes/worker-routes.ts';
import type { AccessStore } from '../store/access-store.ts';
import type { AuditLog } from '../store/audit-log.ts';

export interface BuildRouteSettings {
  dataDir: string;
  buildsPerMinute: number;
  heartbeatMs?: number;
  preflight?: BuildRoutesOptions['preflight'];
  /** Who channel history names for a move: the token holder, or the local user of a loopback server. */
  actor: string;
  access: AccessStore;
  audit: AuditLog;
}

export function buildRouteRegistrar(system: BuildSystem, settings: BuildRouteSettings) {
  return async (app: FastifyInstance): Promise<void> => {
    const { access, audit } = settings;
    await app.register(buildRoutes, {
      service: system.service,
      artifactStorage: system.artifactStorage,
      buildsPerMinute: settings.buildsPerMinute,
      preflight: settings.preflight,
      access,
      audit,
    });
    await app.register(buildEventsRoute, { store: system.store, hub: system.hub, heartbeatMs: settings.heartbeatMs });
    await app.register(artifactRoutes, { store: system.store, artifactStorage: system.artifactStorage });
    await app.register(manifestRoutes, { service: system.service });
    await app.register(updateRoutes, { updates: system.updates });
    await app.register(channelRoutes, {
      channels: system.channels,
      policies: system.policies,
      artifactStorage: system.artifactStorage,
      actor: settings.actor,
      audit,
    });
    await app.register(accessRoutes, { access, audit });
    await app.register(workerRoutes, { store: system.store, audit });
    await app.register(metricsRoute, { store: system.store, dataDir: settings.dataDir, runningHere: () => system.executor.runningCount() });
  };
}
