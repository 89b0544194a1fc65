import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { buildDetailSchema, createBuildResponseSchema, type BuildDetail } from '../../src/spec/build-api.ts';
import type { BuildState } from '../../src/spec/build-events.ts';
import type { ServerConfig } from '../config/server-config.ts';
import { createServerApp } from '../http/start-server.ts';
import { injectLocal, testConfig } from './test-app.ts';
import { scriptedRunner } from './scripted-runner.ts';

/** A spec for the scripted runner; `sizeGiB` changes the build key, `scenario` (a label) does not. */
export function scenarioSpec(scenario: string, sizeGiB = 20): string {
  return `apiVersion: stamper/v1alpha1
kind: NodeImage
metadata:
  name: workers
  labels:
    scenario: ${scenario}
spec:
  disk:
    sizeGiB: ${sizeGiB}
  outputs:
    - format: raw
  verify:
    enabled: false
`;
}

export async function scriptedApp(overrides: Partial<ServerConfig> = {}) {
  // Most tests submit many builds; the rate limit has its own test.
  // the scripted runner fetches nothing, so there are no sources to preflight
  const config = testConfig({ buildsPerMinute: 10_000, preflight: false, ...overrides });
  const { app, system } = await createServerApp(config, { runner: scriptedRunner(), pollMs: 100, heartbeatMs: 200 });
  return {
    app,
    system,
    config,
    close: async () => {
      await app.close();
      config.cleanup();
    },
  };
}

export async function postBuild(app: FastifyInstance, yaml: string, query = '') {
  const response = await injectLocal(app, { method: 'POST', url: `/api/builds${query}`, headers: { 'content-type': 'application/yaml' }, payload: yaml });
  return { response, body: response.statusCode < 300 ? createBuildResponseSchema.parse(response.json()) : undefined };
}

export async function getBuild(app: FastifyInstance, id: string): Promise<BuildDetail> {
  const response = await injectLocal(app, { url: `/api/builds/${id}` });
  expect(response.statusCode).toBe(200);
  return buildDetailSchema.parse(response.json());
}

export async function waitForState(app: FastifyInstance, id: string, states: BuildState[], timeoutMs = 20_000): Promise<BuildDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const build = await getBuild(app, id);
    if (states.includes(build.state)) return build;
    if (Date.now() > deadline) throw new Error(`build ${id} is ${build.state}, expected ${states.join('|')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until a log line matching `pattern` was stored, and returns the match. */
export async function waitForLog(app: FastifyInstance, id: string, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await injectLocal(app, { url: `/api/builds/${id}/log` });
    const match = pattern.exec(log.body);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no log line matching ${pattern}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
