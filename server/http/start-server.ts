import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { BuildRunner } from '../builds/build-runner.ts';
import { keyDir } from '../builds/build-dirs.ts';
import { createBuildSystem, type BuildSystem } from '../builds/build-system.ts';
import { ensureSigningKey } from '../signing/signing-key.ts';
import { hostForHeader } from '../config/loopback.ts';
import type { ServerConfig } from '../config/server-config.ts';
import { buildApp } from './http-app.ts';
import { buildRouteRegistrar } from './register-build-routes.ts';
import { preflightGate } from './routes/preflight-routes.ts';
import { openDatabase } from '../store/open-database.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import { AccessRows } from '../store/access-rows.ts';
import { AuditRows } from '../store/audit-rows.ts';

export interface RunningServer {
  app: FastifyInstance;
  system: BuildSystem;
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: boolean;
  /** Tests swap in a scripted runner; production runs the pipeline. */
  runner?: BuildRunner;
  heartbeatMs?: number;
  pollMs?: number;
}

/** Builds the app around a build system; `listen` false is for inject-only tests. */
export async function createServerApp(config: ServerConfig, options: StartOptions = {}): Promise<{ app: FastifyInstance; system: BuildSystem }> {
  mkdirSync(config.dataDir, { recursive: true });
  const system = createBuildSystem(config, { runner: options.runner, pollMs: options.pollMs });
  // an unreachable database ends start-up with its reason, not every request later
  await system.store.ready().catch(async (error: unknown) => {
    await system.close();
    throw error;
  });
  // sign-in, tokens and the audit log are still SQLite-only: with Postgres they stay in this process's data dir
  const accessDb = system.store instanceof SqliteStore ? system.store.db : openDatabase(config.dataDir);
  const access = new AccessRows(accessDb);
  const audit = new AuditRows(accessDb);
  system.policies.onPromoted = (actor, image, channel, buildId) => audit.record(actor, 'channel.promote', `${image}/${channel}`, `build ${buildId}`);
  system.policies.resume();
  const app = await buildApp({
    config,
    access,
    logger: options.logger,
    queueLength: () => system.store.queueLength(),
    registerBuildRoutes: buildRouteRegistrar(system, {
      dataDir: config.dataDir,
      buildsPerMinute: config.buildsPerMinute,
      heartbeatMs: options.heartbeatMs,
      preflight: config.preflight ? preflightGate(config) : undefined,
      actor: config.token ? 'token holder' : 'local user',
      access,
      audit,
    }),
  });
  // Stop builds (recorded as interrupted) before the database closes.
  app.addHook('onClose', async () => {
    await system.close();
    if (!(system.store instanceof SqliteStore)) accessDb.close();
  });
  await system.executor.start();
  return { app, system };
}

export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  // The signing key is made on first start, so the UI shows it before the first build signs anything.
  await ensureSigningKey(keyDir(config.dataDir));
  const { app, system } = await createServerApp(config, options);
  scheduleUpdateChecks(app, system, config.updatesCheckHours);
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { app, system, port, url: `http://${hostForHeader(config.host)}:${port}`, close: () => app.close() };
}

/** Every finished image checked for updates (and the channel policies applied) every `hours`; the first round waits a whole interval, so a start fetches nothing. */
function scheduleUpdateChecks(app: FastifyInstance, system: BuildSystem, hours: number): void {
  if (hours <= 0) return;
  const stop = new AbortController();
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= system.checkForUpdates(stop.signal).finally(() => (running = undefined));
  }, hours * 3_600_000);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    stop.abort();
    await running;
  });
}
