import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config/server-config.ts';
import { hostForHeader } from '../config/loopback.ts';
import { buildApp } from './build-app.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig, options: { logger?: boolean } = {}): Promise<RunningServer> {
  mkdirSync(config.dataDir, { recursive: true });
  const app = await buildApp({ config, logger: options.logger });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    app,
    port,
    url: `http://${hostForHeader(config.host)}:${port}`,
    close: async () => {
      await app.close();
    },
  };
}
