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

/** inject with the Host header a browser on this machine would send. */
export function injectLocal(app: FastifyInstance, options: InjectOptions): Promise<LightMyRequestResponse> {
  return app.inject({ ...options, headers: { host: '127.0.0.1:8080', ...options.headers } });
}
