import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../src/spec/build-api.ts';
import { postBuild, scenarioSpec } from '../testing/test-builds.ts';
import { scriptedRunner } from '../testing/scripted-runner.ts';
import { createServerApp } from './start-server.ts';
import { injectLocal, testConfig } from '../testing/test-app.ts';
import { canMountTmpfs, fillUp, mountTmpfs, unmount } from '../testing/test-full-disk.ts';

// A real full disk: a small tmpfs as the data directory.
describe.skipIf(!canMountTmpfs)('a full data directory (real tmpfs)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-full-'));
  const filler = path.join(dataDir, 'filler');
  const config = testConfig({ dataDir, minFreeBytes: 0, buildsPerMinute: 10_000, preflight: false }); // the scripted runner fetches nothing
  let app: FastifyInstance;

  beforeAll(async () => {
    mountTmpfs(dataDir, '8m');
    ({ app } = await createServerApp(config, { runner: scriptedRunner(), pollMs: 100 }));
  });
  afterAll(async () => {
    await app?.close();
    unmount(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    config.cleanup();
  });

  it('answers 507 insufficient_storage, not 500, when a request cannot write, and recovers once space is back', async () => {
    fillUp(filler);
    const full = await postBuild(app, scenarioSpec('quick', 80));
    expect(full.response.statusCode, full.response.body).toBe(507);
    expect(apiErrorSchema.parse(full.response.json())).toMatchObject({ code: 'insufficient_storage' });
    expect((await injectLocal(app, { url: '/healthz' })).statusCode).toBe(200);

    rmSync(filler);
    const freed = await postBuild(app, scenarioSpec('quick', 81));
    expect(freed.response.statusCode).toBe(201);
  });
});
