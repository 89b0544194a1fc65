import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildEvent } from '../../../src/spec/build-events.ts';
import { getBuild, postBuild, scenarioSpec, waitForState } from '../../testing/test-builds.ts';
import { scriptedRunner } from '../../testing/scripted-runner.ts';
import { startServer, type RunningServer } from '../start-server.ts';
import { openSse, type SseSession } from '../../testing/sse-client.ts';
import { injectLocal, testConfig } from '../../testing/test-app.ts';

const eventsOf = (session: SseSession) => session.messages.map((m) => JSON.parse(m.data) as BuildEvent);
const waitFor = async (check: () => boolean, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('build events over SSE (real HTTP)', () => {
  const config = testConfig({ port: 0, buildsPerMinute: 1000, preflight: false }); // the scripted runner fetches nothing
  let server: RunningServer;
  let base: string;
  beforeAll(async () => {
    server = await startServer(config, { runner: scriptedRunner(), heartbeatMs: 100, pollMs: 100 });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    config.cleanup();
  });

  it('resumes after a mid-build disconnect with Last-Event-ID: no gap, no duplicate', async () => {
    const { body } = await postBuild(server.app, scenarioSpec('stream', 60));
    const id = body?.build.id ?? '';
    const first = await openSse(`${base}/api/builds/${id}/events`);
    expect(first.status).toBe(200);
    await waitFor(() => first.messages.length >= 40);
    first.close();
    const lastSeen = Number(first.messages.at(-1)?.id);
    expect((await getBuild(server.app, id)).state).toBe('running');

    // Let events pile up while nobody listens, then resume.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await openSse(`${base}/api/builds/${id}/events`, { headers: { 'last-event-id': String(lastSeen) } });
    await second.ended;

    const seqs = [...first.messages, ...second.messages].map((m) => Number(m.id));
    const last = eventsOf(second).at(-1);
    expect(last).toMatchObject({ type: 'state', state: 'succeeded' });
    expect(seqs).toEqual(Array.from({ length: last?.seq ?? 0 }, (_, i) => i + 1));
    // Every SSE id is the event's own seq.
    expect(eventsOf(second).every((e, i) => String(e.seq) === second.messages[i]?.id)).toBe(true);
    expect(second.messages[0]?.id).toBe(String(lastSeen + 1));
  });

  it('replays a finished build in full and ends; ?after= resumes; nothing left answers 204', async () => {
    const { body } = await postBuild(server.app, scenarioSpec('quick', 61));
    const id = body?.build.id ?? '';
    const build = await waitForState(server.app, id, ['succeeded']);
    const all = await openSse(`${base}/api/builds/${id}/events`);
    await all.ended;
    expect(all.messages.map((m) => Number(m.id))).toEqual(Array.from({ length: build.lastEventSeq }, (_, i) => i + 1));

    const tail = await openSse(`${base}/api/builds/${id}/events?after=${build.lastEventSeq - 2}`);
    await tail.ended;
    expect(tail.messages.map((m) => Number(m.id))).toEqual([build.lastEventSeq - 1, build.lastEventSeq]);

    const nothing = await openSse(`${base}/api/builds/${id}/events`, { headers: { 'last-event-id': String(build.lastEventSeq) } });
    expect(nothing.status).toBe(204);
  });

  it('ends a stream resumed beyond the last event once the build finishes, and answers 204 when it already has', async () => {
    const { body } = await postBuild(server.app, scenarioSpec('stream', 63));
    const id = body?.build.id ?? '';
    const ahead = await openSse(`${base}/api/builds/${id}/events`, { headers: { 'last-event-id': '1000000' } });
    expect(ahead.status).toBe(200);
    expect((await getBuild(server.app, id)).state).toBe('running');
    const ended = await Promise.race([ahead.ended.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000))]);
    ahead.close();
    expect(ended).toBe(true);
    expect(ahead.messages).toEqual([]);
    expect((await getBuild(server.app, id)).state).toBe('succeeded');

    const beyond: [string, Record<string, string>][] = [
      ['', { 'last-event-id': '1000000' }],
      ['?after=1000000', {}],
    ];
    for (const [query, headers] of beyond) {
      const finished = await openSse(`${base}/api/builds/${id}/events${query}`, { headers });
      expect(finished.status).toBe(204);
      await finished.ended;
    }
  });

  it('sends heartbeats as comments while a build is quiet', async () => {
    const { body } = await postBuild(server.app, scenarioSpec('hang', 62));
    const id = body?.build.id ?? '';
    const session = await openSse(`${base}/api/builds/${id}/events`);
    await waitFor(() => session.comments >= 2);
    session.close();
    await injectLocal(server.app, { method: 'POST', url: `/api/builds/${id}/cancel` });
    await waitForState(server.app, id, ['canceled']);
  });

  it('rejects a bad cursor and an unknown build', async () => {
    const bad = await openSse(`${base}/api/builds/x/events?after=-1`);
    expect(bad.status).toBe(400);
    const unknown = await openSse(`${base}/api/builds/unknown/events`);
    expect(unknown.status).toBe(404);
  });
});
