import { ConfigError, loadServerConfig } from '../config/server-config.ts';
import { serveUsage } from '../config/serve-usage.ts';
import { DroppingLogDestination } from '../http/log-destination.ts';
import { startServer } from '../http/start-server.ts';

/** `stamper serve`: the web app, the API and the build queue in one process. */
export async function runServeCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(serveUsage);
    return 0;
  }
  let config;
  try {
    config = loadServerConfig(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`stamper serve: ${error.message}\n\n${serveUsage}`);
      return 2;
    }
    throw error;
  }
  const server = await startServer(config, { logger: true });
  // Through the same destination as the log: a stdout on a full disk must not end the server.
  const out = new DroppingLogDestination();
  out.write(`stamper: listening on ${server.url}\n`);
  out.write(`stamper: ${await server.system.describeBuilds()}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
