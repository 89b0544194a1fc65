import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema, buildListSchema, sbomPackageSchema } from '../../src/spec/build-api.ts';
import { injectLocal } from '../testing/test-app.ts';
import { getBuild, postBuild, scenarioSpec, scriptedApp, waitForLog, waitForState } from '../testing/test-builds.ts';

describe('build service through the API', () => {
  let ctx: Awaited<ReturnType<typeof scriptedApp>>;
  beforeAll(async () => {
    ctx = await scriptedApp();
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('creates a build, runs it and records stages, verify results and artifacts', async () => {
    const { response, body } = await postBuild(ctx.app, scenarioSpec('quick', 30));
    expect(response.statusCode).toBe(201);
    expect(body?.reused).toBe(false);
    expect(body?.build.stages.map((s) => s.name)).toEqual(['rootfs', 'kubernetes', 'configure', 'sbom', 'disk', 'formats', 'verify', 'sign']);
    const build = await waitForState(ctx.app, body?.build.id ?? '', ['succeeded', 'failed']);
    expect(build.state).toBe('succeeded');
    expect(build.stages.find((s) => s.name === 'rootfs')).toMatchObject({ status: 'succeeded', progress: 100, durationMs: 5 });
    expect(build.verify).toEqual([{ name: 'kubelet-version', ok: true, detail: 'v1.35.3' }]);
    expect(build.artifacts.map((a) => a.name)).toEqual(['workers.raw', 'workers.spdx.json']);
    expect(build.artifacts[0]).toMatchObject({ sizeBytes: 65536, url: `/api/builds/${build.id}/artifacts/workers.raw` });
    expect(build.specYaml).toBe(scenarioSpec('quick', 30));
    expect(build.lastEventSeq).toBeGreaterThan(5);
  });

  it('reuses a build with the same build key unless forced', async () => {
    const first = await postBuild(ctx.app, scenarioSpec('quick', 31));
    // A different label is metadata: it does not change the key.
    const second = await postBuild(ctx.app, scenarioSpec('stream', 31));
    expect(second.response.statusCode).toBe(200);
    expect(second.body?.reused).toBe(true);
    expect(second.body?.build.id).toBe(first.body?.build.id);
    const forced = await postBuild(ctx.app, scenarioSpec('quick', 31), '?force=true');
    expect(forced.response.statusCode).toBe(201);
    expect(forced.body?.build.id).not.toBe(first.body?.build.id);
    await waitForState(ctx.app, forced.body?.build.id ?? '', ['succeeded']);
  });

  it('turns concurrent identical submissions into one build', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => postBuild(ctx.app, scenarioSpec('quick', 32))));
    const ids = new Set(results.map((r) => r.body?.build.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.response.statusCode === 201)).toHaveLength(1);
    expect(results.filter((r) => r.body?.reused)).toHaveLength(7);
  });

  it('rejects an invalid spec with 422 and positioned issues', async () => {
    const { response } = await postBuild(ctx.app, scenarioSpec('quick').replace('sizeGiB: 20', 'sizeGiB: 1'));
    expect(response.statusCode).toBe(422);
    const error = apiErrorSchema.parse(response.json());
    expect(error.code).toBe('invalid_spec');
    expect(error.issues?.[0]).toMatchObject({ path: ['spec', 'disk', 'sizeGiB'], line: 9, column: 14 });
  });

  it('records a failing stage and retries into a new build', async () => {
    const { body } = await postBuild(ctx.app, scenarioSpec('fail', 33));
    const failed = await waitForState(ctx.app, body?.build.id ?? '', ['failed', 'succeeded']);
    expect(failed).toMatchObject({ state: 'failed', failedStage: 'rootfs', error: 'mmdebstrap failed' });
    expect(failed.stages.find((s) => s.name === 'rootfs')?.status).toBe('failed');
    // A failed build is never reused: the same spec builds again.
    const again = await postBuild(ctx.app, scenarioSpec('fail', 33));
    expect(again.response.statusCode).toBe(201);
    await waitForState(ctx.app, again.body?.build.id ?? '', ['failed']);

    const retry = await injectLocal(ctx.app, { method: 'POST', url: `/api/builds/${failed.id}/retry` });
    expect(retry.statusCode).toBe(201);
    const retried = await waitForState(ctx.app, retry.json().build.id, ['failed', 'succeeded']);
    expect(retried.id).not.toBe(failed.id);
  });

  it('reports a build process that dies without a result', async () => {
    const { body } = await postBuild(ctx.app, scenarioSpec('crash', 34));
    const build = await waitForState(ctx.app, body?.build.id ?? '', ['failed', 'succeeded']);
    expect(build.state).toBe('failed');
    expect(build.error).toContain('exited with code 3');
  });

  it('refuses to retry a succeeded build', async () => {
    const { body } = await postBuild(ctx.app, scenarioSpec('quick', 30));
    const retry = await injectLocal(ctx.app, { method: 'POST', url: `/api/builds/${body?.build.id}/retry` });
    expect(retry.statusCode).toBe(409);
  });

  it('lists builds with filters, sorting and pages', async () => {
    // Its own server and builds: this case must not depend on what the others submitted.
    const own = await scriptedApp();
    try {
      await listCase(own.app);
    } finally {
      await own.close();
    }
  });

  it('serves the full log as text', async () => {
    const { body } = await postBuild(ctx.app, scenarioSpec('quick', 30));
    const log = await injectLocal(ctx.app, { url: `/api/builds/${body?.build.id}/log` });
    expect(log.headers['content-type']).toContain('text/plain');
    expect(log.body).toContain('[rootfs] line 5');
    expect(log.body.trim().split('\n').at(-1)).toBe('==> build succeeded');
  });

  it('lists SBOM packages from the SPDX artifact', async () => {
    const { body } = await postBuild(ctx.app, scenarioSpec('quick', 30));
    const response = await injectLocal(ctx.app, { url: `/api/builds/${body?.build.id}/sbom` });
    const packages = sbomPackageSchema.array().parse(response.json());
    expect(packages).toEqual([
      { name: 'bash', version: '5.2.37-2', sizeBytes: null },
      { name: 'kubelet', version: '1.35.3-1.1', sizeBytes: 81234 * 1024 },
    ]);
  });

  it('deletes artifacts but keeps a tombstone, which is not reused', async () => {
    const { body } = await postBuild(ctx.app, scenarioSpec('quick', 35));
    const id = body?.build.id ?? '';
    await waitForState(ctx.app, id, ['succeeded']);
    const removed = await injectLocal(ctx.app, { method: 'DELETE', url: `/api/builds/${id}` });
    expect(removed.statusCode).toBe(200);
    const tombstone = await getBuild(ctx.app, id);
    expect(tombstone).toMatchObject({ deleted: true, artifacts: [], state: 'succeeded' });
    expect((await injectLocal(ctx.app, { url: `/api/builds/${id}/artifacts/workers.raw` })).statusCode).toBe(404);
    const again = await postBuild(ctx.app, scenarioSpec('quick', 35));
    expect(again.response.statusCode).toBe(201);
    await waitForState(ctx.app, again.body?.build.id ?? '', ['succeeded']);
  });

  it('answers 404 for unknown builds with the error shape', async () => {
    const response = await injectLocal(ctx.app, { url: '/api/builds/nope' });
    expect(response.statusCode).toBe(404);
    expect(apiErrorSchema.parse(response.json()).code).toBe('not_found');
  });

  it('exposes Prometheus metrics', async () => {
    const response = await injectLocal(ctx.app, { url: '/metrics' });
    expect(response.body).toMatch(/^stamper_builds\{state="succeeded"\} [1-9]/m);
    expect(response.body).toMatch(/^stamper_stage_duration_seconds_count\{stage="rootfs"\} [1-9]/m);
    expect(response.body).toMatch(/^stamper_queue_length 0$/m);
    expect(response.body).toMatch(/^stamper_disk_free_bytes [1-9]\d*$/m);
  });

  it('publishes an OpenAPI 3.1 document whose schemas accept real responses', async () => {
    const document = (await injectLocal(ctx.app, { url: '/api/openapi.json' })).json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toContain('/api/builds/{id}/events');
    const ajv = new Ajv2020({ strict: false });
    for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(schema as object, `#/components/schemas/${name}`);
    const list = (await injectLocal(ctx.app, { url: '/api/builds' })).json();
    const detail = (await injectLocal(ctx.app, { url: `/api/builds/${list.items[0].id}` })).json();
    expect(ajv.validate('#/components/schemas/BuildList', list)).toBe(true);
    expect(ajv.validate('#/components/schemas/BuildDetail', detail)).toBe(true);
    expect(ajv.validate('#/components/schemas/BuildDetail', { ...detail, state: 'bogus' })).toBe(false);
    expect(ajv.validate('#/components/schemas/Catalog', (await injectLocal(ctx.app, { url: '/api/catalog' })).json())).toBe(true);
  });

  it('waits its turn in the queue with a position', async () => {
    const hang = await postBuild(ctx.app, scenarioSpec('hang', 40));
    const hangId = hang.body?.build.id ?? '';
    await waitForLog(ctx.app, hangId, /pids /);
    const queued = await postBuild(ctx.app, scenarioSpec('quick', 41));
    expect(queued.body?.build).toMatchObject({ state: 'queued', queuePosition: 1 });
    await injectLocal(ctx.app, { method: 'POST', url: `/api/builds/${hangId}/cancel` });
    await waitForState(ctx.app, queued.body?.build.id ?? '', ['succeeded']);
  });
});

describe('build admission', () => {
  it('refuses a build when the data dir is short of disk', async () => {
    const ctx = await scriptedApp({ minFreeBytes: Number.MAX_SAFE_INTEGER });
    const { response } = await postBuild(ctx.app, scenarioSpec('quick'));
    expect(response.statusCode).toBe(507);
    expect(apiErrorSchema.parse(response.json()).code).toBe('insufficient_storage');
    await ctx.close();
  });

  it('rate-limits build creation', async () => {
    const ctx = await scriptedApp({ buildsPerMinute: 2 });
    const codes = [];
    for (let i = 0; i < 3; i += 1) codes.push((await postBuild(ctx.app, scenarioSpec('quick', 50))).response.statusCode);
    expect(codes).toEqual([201, 200, 429]);
    await ctx.close();
  });
});

/** Six builds of its own: five that succeed (sizes 40-44 GiB, distinct keys) and one that fails. */
async function listCase(app: FastifyInstance): Promise<void> {
  const created = [];
  for (const size of [40, 41, 42, 43, 44]) created.push((await postBuild(app, scenarioSpec('quick', size))).body?.build.id ?? '');
  created.push((await postBuild(app, scenarioSpec('fail', 45))).body?.build.id ?? '');
  for (const id of created) await waitForState(app, id, ['succeeded', 'failed']);
  const all = buildListSchema.parse((await injectLocal(app, { url: '/api/builds?pageSize=100' })).json());
  expect(all.total).toBe(6);
  const dates = all.items.map((b) => b.createdAt);
  expect([...dates].sort().reverse()).toEqual(dates);

  const failed = buildListSchema.parse((await injectLocal(app, { url: '/api/builds?state=failed' })).json());
  expect(failed.items.map((b) => b.id)).toEqual([created[5]]);
  expect(failed.items.every((b) => b.state === 'failed')).toBe(true);

  const page = buildListSchema.parse((await injectLocal(app, { url: '/api/builds?pageSize=2&page=2&sort=oldest' })).json());
  expect(page.items).toHaveLength(2);
  const oldest = buildListSchema.parse((await injectLocal(app, { url: '/api/builds?pageSize=100&sort=oldest' })).json());
  expect(page.items.map((b) => b.id)).toEqual(oldest.items.slice(2, 4).map((b) => b.id));

  expect(buildListSchema.parse((await injectLocal(app, { url: '/api/builds?kubernetesVersion=1.35' })).json()).total).toBe(all.total);
  expect(buildListSchema.parse((await injectLocal(app, { url: '/api/builds?kubernetesVersion=1.34' })).json()).total).toBe(0);
  expect(buildListSchema.parse((await injectLocal(app, { url: '/api/builds?name=nomatch' })).json()).total).toBe(0);
  expect((await injectLocal(app, { url: '/api/builds?state=bogus' })).statusCode).toBe(400);
}
