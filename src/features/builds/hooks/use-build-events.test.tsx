// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildKeys } from '@/lib/api/build-query-keys';
import type { BuildDetail } from '@/spec/build-api';
import type { BuildEventBody } from '@/spec/build-events';
import { useBuildEvents } from './use-build-events';

/** Enough of EventSource to play a server: the test pushes messages and drops connections. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onmessage: ((e: MessageEvent<string>) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }
  open() {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.();
  }
  send(seq: number, body: BuildEventBody) {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify({ ...body, seq, time: '2026-11-24T18:00:00Z' }), lastEventId: String(seq) }));
  }
  drop() {
    this.readyState = FakeEventSource.CLOSED;
    this.onerror?.();
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
}

const log = (line: string): BuildEventBody => ({ type: 'log', stage: 'rootfs', stream: 'stdout', line });

function setup() {
  const client = new QueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  const onFinished = vi.fn();
  const hook = renderHook(({ id }) => useBuildEvents(id, onFinished), { wrapper, initialProps: { id: 'b1' } });
  return { hook, onFinished, client };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.instances = [];
  vi.stubGlobal('EventSource', FakeEventSource);
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('useBuildEvents', () => {
  it('writes batched events into the cache and resumes after a drop without duplicates', async () => {
    const { hook } = setup();
    const first = FakeEventSource.instances[0] as FakeEventSource;
    expect(first.url).toBe('/api/builds/b1/events');
    act(() => {
      first.open();
      first.send(1, log('one'));
      first.send(2, log('two'));
    });
    expect(hook.result.current.connection).toBe('open');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(100);
    });
    expect(hook.result.current.log.lines.map((l) => l.text)).toEqual(['one', 'two']);

    act(() => first.drop());
    expect(hook.result.current.connection).toBe('reconnecting');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1000);
    });
    const second = FakeEventSource.instances[1] as FakeEventSource;
    expect(second.url).toBe('/api/builds/b1/events?after=2');
    act(() => {
      second.open();
      // a server may replay what it already sent; the hook must not show it twice
      second.send(2, log('two'));
      second.send(3, log('three'));
    });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(100);
    });
    expect(hook.result.current.log.lines.map((l) => [l.number, l.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    expect(hook.result.current.log.duplicatesDropped).toBe(1);
  });

  it('closes on the final state, reports it once and does not reconnect', async () => {
    const { hook, onFinished } = setup();
    const source = FakeEventSource.instances[0] as FakeEventSource;
    act(() => {
      source.open();
      source.send(1, { type: 'state', state: 'running' });
      source.send(2, { type: 'state', state: 'succeeded' });
    });
    expect(source.readyState).toBe(FakeEventSource.CLOSED);
    expect(hook.result.current.log.ended).toBe(true);
    expect(hook.result.current.connection).toBe('closed');
    expect(onFinished).toHaveBeenCalledTimes(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(20_000);
    });
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('does not open a stream again for a build whose events are complete', () => {
    const { hook, client } = setup();
    const source = FakeEventSource.instances[0] as FakeEventSource;
    act(() => {
      source.open();
      source.send(1, { type: 'state', state: 'failed' });
    });
    hook.unmount();
    // back on the page: the finished stream is still in the cache, so nothing to follow
    renderHook(() => useBuildEvents('b1'), { wrapper: ({ children }) => <QueryClientProvider client={client}>{children}</QueryClientProvider> });
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('closes the stream when the id changes and opens one for the new build', () => {
    const { hook } = setup();
    const first = FakeEventSource.instances[0] as FakeEventSource;
    hook.rerender({ id: 'b2' });
    expect(first.readyState).toBe(FakeEventSource.CLOSED);
    expect(FakeEventSource.instances[1]?.url).toBe('/api/builds/b2/events');
  });
});

/** The record GET /api/builds/b1 would answer with, just before the stream starts. */
const queuedRecord = (): BuildDetail => ({
  id: 'b1',
  buildKey: 'k',
  name: 'workers',
  state: 'queued',
  kubernetesVersion: '1.35.0',
  release: 'trixie',
  formats: ['qcow2'],
  createdAt: '2026-11-24T17:59:00Z',
  startedAt: null,
  finishedAt: null,
  error: null,
  failedStage: null,
  queuePosition: 1,
  deleted: false,
  spec: {},
  specYaml: '',
  stages: [{ name: 'rootfs', status: 'pending', progress: 0, message: null, startedAt: null, finishedAt: null, durationMs: null }],
  verify: [],
  artifacts: [],
  published: [],
  lastEventSeq: 0,
});

/** Opens the stream on a cached queued record, sends the events from seq 1 and lets the hook flush. */
async function streamOntoQueuedRecord(events: BuildEventBody[]) {
  const { client } = setup();
  client.setQueryData(buildKeys.detail('b1'), queuedRecord());
  const source = FakeEventSource.instances[0] as FakeEventSource;
  act(() => {
    source.open();
    events.forEach((event, index) => source.send(index + 1, event));
  });
  await act(async () => {
    await vi.advanceTimersByTimeAsync(100);
  });
  return client;
}

describe('useBuildEvents and the build detail', () => {
  it('writes state and stage events into the build detail cache entry', async () => {
    const client = await streamOntoQueuedRecord([
      { type: 'state', state: 'running' },
      { type: 'stage', stage: 'rootfs', status: 'started' },
      { type: 'progress', stage: 'rootfs', percent: 40, message: 'unpacking' },
    ]);
    const build = client.getQueryData<BuildDetail>(buildKeys.detail('b1'));
    expect(build).toMatchObject({ state: 'running', lastEventSeq: 3, queuePosition: null });
    expect(build?.stages[0]).toMatchObject({ status: 'running', progress: 40, message: 'unpacking' });
  });

  it('applies the newer events again when a fetch answers with an older record', async () => {
    const client = await streamOntoQueuedRecord([
      { type: 'state', state: 'running' },
      { type: 'stage', stage: 'rootfs', status: 'succeeded', durationMs: 5 },
    ]);
    // a GET sent before those events arrives after them
    await act(async () => {
      await client.fetchQuery({ queryKey: buildKeys.detail('b1'), queryFn: () => ({ ...queuedRecord(), state: 'running' as const, lastEventSeq: 1 }) });
    });
    expect(client.getQueryData<BuildDetail>(buildKeys.detail('b1'))?.stages[0]).toMatchObject({ status: 'succeeded', progress: 100 });
  });

  it('drops frames that do not match the event schema', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { hook } = setup();
    const source = FakeEventSource.instances[0] as FakeEventSource;
    act(() => {
      source.open();
      source.send(1, { type: 'log', stage: 'no-such-stage', stream: 'stdout', line: 'forged' } as unknown as BuildEventBody);
      source.onmessage?.(new MessageEvent('message', { data: 'not json', lastEventId: '2' }));
      source.send(3, log('real'));
    });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(100);
    });
    expect(hook.result.current.log.lines.map((l) => l.text)).toEqual(['real']);
    vi.restoreAllMocks();
  });
});

describe('useBuildEvents when disabled', () => {
  it('opens no stream', () => {
    const client = new QueryClient();
    renderHook(() => useBuildEvents('gone', undefined, false), {
      wrapper: ({ children }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>,
    });
    expect(FakeEventSource.instances).toHaveLength(0);
  });
});
