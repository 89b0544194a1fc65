import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadServerConfig, type ServerConfig } from '../config/server-config.ts';

/** A config for tests: a fresh data dir, port 8080 so inject's Host header can match. */
export function testConfig(overrides: Partial<ServerConfig> = {}, env: NodeJS.ProcessEnv = {}): ServerConfig & { cleanup(): void } {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-test-'));
  const config = loadServerConfig([], { STAMPER_DATA_DIR: dataDir, STAMPER_PORT: '8080', ...env });
  return { ...config, ...overrides, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** inject with the Host header a browser on this machine would send (8080, or the port it listens on). */
export function injectLocal(app: FastifyInstance, options: InjectOptions): Promise<LightMyRequestResponse> {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 8080;
  return app.inject({ ...options, headers: { host: `127.0.0.1:${port}`, ...options.headers } });
}
