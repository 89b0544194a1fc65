// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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
    expect(hook.result.current.stream.lines.map((l) => l.text)).toEqual(['one', 'two']);

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
    expect(hook.result.current.stream.lines.map((l) => [l.number, l.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    expect(hook.result.current.stream.duplicatesDropped).toBe(1);
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
    expect(hook.result.current.stream.state).toBe('succeeded');
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

describe('useBuildEvents when disabled', () => {
  it('opens no stream', () => {
    const client = new QueryClient();
    renderHook(() => useBuildEvents('gone', undefined, false), {
      wrapper: ({ children }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>,
    });
    expect(FakeEventSource.instances).toHaveLength(0);
  });
});
