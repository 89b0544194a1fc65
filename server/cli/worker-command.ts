import { parseArgs } from 'node:util';
import { ConfigError, loadServerConfig } from '../config/server-config.ts';
import { workerUsage } from '../config/serve-usage.ts';
import { createBuildSystem } from '../builds/build-system.ts';
import { ensureSigningKey } from '../signing/signing-key.ts';
import { signingKeyDir } from '../signing/signing-key-dir.ts';

/**
 * `stamper worker`: runs queued builds from the same data dir as `stamper serve`,
 * without HTTP, or from the Postgres of STAMPER_DATABASE_URL. Claims are store
 * transactions, so any number of workers (and the server's own queue) can share one
 * database without running a build twice.
 * `--drain` exits once nothing is queued or running, for batch jobs and tests.
 */
export async function runWorkerCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(workerUsage);
    return 0;
  }
  let drain = false;
  let config;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { 'data-dir': { type: 'string' }, 'cache-dir': { type: 'string' }, concurrency: { type: 'string' }, drain: { type: 'boolean' } },
      strict: true,
    });
    drain = values.drain ?? false;
    const passed = (['data-dir', 'cache-dir', 'concurrency'] as const).flatMap((flag) =>
      values[flag] === undefined ? [] : [`--${flag}`, String(values[flag])],
    );
    config = loadServerConfig(passed);
    if (config.concurrency < 1) throw new ConfigError('a worker needs --concurrency of at least 1');
  } catch (error) {
    if (error instanceof ConfigError || (error instanceof Error && 'code' in error)) {
      process.stderr.write(`stamper worker: ${error.message}\n\n${workerUsage}`);
      return 2;
    }
    throw error;
  }

  // A shared key that is missing stops the worker now, not each build at its sign stage.
  const signingKey = signingKeyDir(config);
  try {
    await ensureSigningKey(signingKey.path, signingKey);
  } catch (error) {
    process.stderr.write(`stamper worker: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const system = createBuildSystem(config);
  await system.store.ready();
  await system.executor.start();
  process.stdout.write(`stamper worker: running builds from ${config.dataDir} (concurrency ${config.concurrency})\n`);
  process.stdout.write(`stamper worker: ${await system.describeBuilds()}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    if (drain) {
      const check = setInterval(() => {
        if (system.executor.runningCount() !== 0) return;
        void system.store.queueLength().then(
          (queued) => {
            if (queued !== 0) return;
            clearInterval(check);
            resolve();
          },
          () => undefined,
        );
      }, 500);
    }
  });
  await system.close();
  return 0;
}
