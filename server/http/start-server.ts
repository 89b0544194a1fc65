import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { BuildRunner } from '../builds/build-runner.ts';
import { createBuildSystem, type BuildSystem } from '../builds/build-system.ts';
import { ensureSigningKey } from '../signing/signing-key.ts';
import { signingKeyDir } from '../signing/signing-key-dir.ts';
import { hostForHeader } from '../config/loopback.ts';
import type { ServerConfig } from '../config/server-config.ts';
import { buildApp } from './http-app.ts';
import { buildRouteRegistrar } from './register-build-routes.ts';
import { preflightGate } from './routes/preflight-routes.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import { openAccessStores } from '../store/open-access.ts';

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
  // sign-in, tokens, roles, submitters and the audit log sit beside the builds: shared by every replica on Postgres
  const accessStores = openAccessStores({ databaseUrl: config.databaseUrl, sqlite: system.store instanceof SqliteStore ? system.store.db : undefined });
  await accessStores.ready().catch(async (error: unknown) => {
    await accessStores.close();
    await system.close();
    throw error;
  });
  const { access, audit } = accessStores;
  system.policies.onPromoted = (actor, image, channel, buildId) =>
    void audit
      .record(actor, 'channel.promote', `${image}/${channel}`, `build ${buildId}`)
      .catch((error: unknown) => process.stderr.write(`stamper: the audit log missed a promotion: ${String(error)}\n`));
  // after the audit hook is set: runs left over from before are settled (and promoted) only here
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
    await accessStores.close();
  });
  await system.executor.start();
  return { app, system };
}

export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  // The signing key is made on first start, so the UI shows it before the first build signs anything.
  // A shared key (STAMPER_SIGNING_KEY_DIR) is only checked: a missing one stops the start with how to make it.
  const signingKey = signingKeyDir(config);
  await ensureSigningKey(signingKey.path, signingKey);
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
