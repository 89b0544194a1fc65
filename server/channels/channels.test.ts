import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelListSchema, channelSchema, type Channel } from '../../src/spec/channels-api.ts';
import { injectLocal } from '../testing/test-app.ts';
import { postBuild, scenarioSpec, scriptedApp, waitForState } from '../testing/test-builds.ts';

let ctx: Awaited<ReturnType<typeof scriptedApp>>;
let first: string;
let second: string;

async function succeededBuild(sizeGiB: number): Promise<string> {
  const { body } = await postBuild(ctx.app, scenarioSpec('quick', sizeGiB));
  await waitForState(ctx.app, body?.build.id ?? '', ['succeeded']);
  return body?.build.id ?? '';
}

const promote = (buildId: string, path = 'workers/stable') =>
  injectLocal(ctx.app, { method: 'POST', url: `/api/channels/${path}`, headers: { 'content-type': 'application/json' }, payload: { buildId } });
const channel = async (): Promise<Channel> => channelSchema.parse((await injectLocal(ctx.app, { url: '/api/channels/workers/stable' })).json());
const download = (name: string, headers: Record<string, string> = {}) =>
  injectLocal(ctx.app, { url: `/api/channels/workers/stable/artifacts/${name}`, headers });
const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');

beforeAll(async () => {
  ctx = await scriptedApp();
  first = await succeededBuild(21);
  second = await succeededBuild(22);
}, 60_000);
afterAll(() => ctx?.close());

describe('channels', () => {
  it('points at a verified build, and its stable URLs serve that build’s files with their checksums and Range', async () => {
    const promoted = await promote(first);
    expect(promoted.statusCode, promoted.body).toBe(200);
    const current = await channel();
    expect(current).toMatchObject({ image: 'workers', channel: 'stable', buildId: first });
    const sbom = current.artifacts.find((a) => a.name === 'workers.spdx.json');
    expect(sbom?.url).toBe('/api/channels/workers/stable/artifacts/workers.spdx.json');

    const whole = await download('workers.spdx.json');
    expect(whole.statusCode).toBe(200);
    expect(sha256(whole.rawPayload)).toBe(sbom?.sha256);
    expect(whole.headers.etag).toBe(`"${sbom?.sha256 ?? ''}"`);
    // a channel moves: caches must ask again, and the ETag says whether the file changed
    expect(whole.headers['cache-control']).toContain('no-cache');

    const part = await download('workers.raw', { range: 'bytes=10-19' });
    expect(part.statusCode).toBe(206);
    expect([...part.rawPayload]).toEqual(Array.from({ length: 10 }, (_, i) => (10 + i) % 251));
    expect((await download('nope.raw')).statusCode).toBe(404);
  });

  it('moves to the next build, rolls back exactly one move, and records each move', async () => {
    const firstSbom = (await download('workers.spdx.json')).rawPayload;
    expect((await promote(second)).statusCode).toBe(200);
    const moved = await download('workers.spdx.json');
    expect((await channel()).buildId).toBe(second);
    // the scripted SBOM names its build key, so the two builds' files differ
    expect(sha256(moved.rawPayload)).not.toBe(sha256(firstSbom));

    const rolledBack = await injectLocal(ctx.app, { method: 'POST', url: '/api/channels/workers/stable/rollback' });
    expect(rolledBack.statusCode, rolledBack.body).toBe(200);
    const current = await channel();
    expect(current.buildId).toBe(first);
    expect(sha256((await download('workers.spdx.json')).rawPayload)).toBe(sha256(firstSbom));
    expect(current.history.map((h) => [h.action, h.fromBuild, h.toBuild, h.actor])).toEqual([
      ['rollback', second, first, 'local user'],
      ['promote', first, second, 'local user'],
      ['promote', null, first, 'local user'],
    ]);
    expect(channelListSchema.parse((await injectLocal(ctx.app, { url: '/api/channels' })).json()).channels).toEqual([
      expect.objectContaining({ image: 'workers', channel: 'stable', buildId: first }),
    ]);
  });

  it('refuses a build that failed, a build of another image, and a rollback with nothing before it', async () => {
    const { body } = await postBuild(ctx.app, scenarioSpec('fail', 23));
    await waitForState(ctx.app, body?.build.id ?? '', ['failed']);
    const failed = await promote(body?.build.id ?? '');
    expect(failed.statusCode).toBe(409);
    expect(failed.json()).toMatchObject({ code: 'not_verified' });

    const otherImage = await promote(first, 'gpu-nodes/stable');
    expect(otherImage.statusCode).toBe(409);
    expect(otherImage.json<{ message: string }>().message).toContain('not of "gpu-nodes"');

    expect((await promote(first, 'workers/candidate')).statusCode).toBe(200);
    const nothing = await injectLocal(ctx.app, { method: 'POST', url: '/api/channels/workers/candidate/rollback' });
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json()).toMatchObject({ code: 'nothing_to_roll_back' });
    expect((await promote(first, 'Workers/stable')).statusCode).toBe(400);
  });

  it('keeps a build a channel points at: it cannot be deleted until the channel moves on', async () => {
    const refused = await injectLocal(ctx.app, { method: 'DELETE', url: `/api/builds/${first}` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ message: string }>().message).toContain('workers/stable');
    expect((await download('workers.raw')).statusCode).toBe(200);
  });
});
