import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { BuildEvent } from '@/spec/build-events';
import { buildKeys } from '@/lib/api/build-query-keys';
import { applyBuildEvents, emptyBuildStream, isFinishedState, type BuildStreamState } from '../lib/build-stream-state';

export const buildEventsQueryOptions = (id: string) =>
  queryOptions({
    queryKey: buildKeys.events(id),
    // The stream hook is the only writer; a refetch (e.g. a broad invalidation) must keep what it wrote.
    queryFn: ({ client, queryKey }): BuildStreamState => client.getQueryData<BuildStreamState>(queryKey) ?? emptyBuildStream(),
    // Events are append-only and a finished build's log never changes: never stale. A long
    // log is large, so an unobserved one is dropped after a few minutes.
    staleTime: Infinity,
    gcTime: 5 * 60_000,
    // Deep-comparing 100,000 lines on every flush would cost more than the append itself.
    structuralSharing: false,
  });

export type StreamConnection = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** How often buffered events are written to the cache: batches keep a fast log from re-rendering per line. */
const FLUSH_MS = 40;
const MAX_RETRY_MS = 15_000;

function parseEvent(message: MessageEvent<string>): BuildEvent | null {
  try {
    const data: unknown = JSON.parse(message.data);
    if (typeof data !== 'object' || data === null || !('type' in data)) return null;
    const record = data as Record<string, unknown>;
    const seq = typeof record.seq === 'number' ? record.seq : Number(message.lastEventId);
    if (!Number.isFinite(seq)) return null;
    return { ...record, seq, time: typeof record.time === 'string' ? record.time : new Date().toISOString() } as BuildEvent;
  } catch {
    return null;
  }
}

/**
 * Follows a build's event stream and writes it into the react-query cache under
 * `['builds', id, 'events']`. It owns the EventSource: opened in the effect, reopened from
 * the last seen seq after a drop, closed on the final state, on unmount and when the id
 * changes. Seqs already applied are dropped, so a resume never duplicates a line.
 */
export function useBuildEvents(id: string, onFinished?: (stream: BuildStreamState) => void, enabled = true) {
  const queryClient = useQueryClient();
  const query = useQuery(buildEventsQueryOptions(id));
  const [reported, setReported] = useState<{ id: string; connection: StreamConnection }>({ id, connection: 'connecting' });
  // a notification, not a reason to reconnect: kept in a ref so the effect does not depend on it
  const onFinishedRef = useRef(onFinished);
  useEffect(() => {
    onFinishedRef.current = onFinished;
  });

  useEffect(() => {
    const key = buildKeys.events(id);
    const current = () => queryClient.getQueryData<BuildStreamState>(key) ?? emptyBuildStream();
    // a build that does not exist (or is still unknown) has no stream worth retrying forever
    if (!enabled || isFinishedState(current().state)) return;
    const setConnection = (connection: StreamConnection) => setReported({ id, connection });
    let source: EventSource | null = null;
    let pending: BuildEvent[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    let done = false;

    const flush = () => {
      flushTimer = undefined;
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      const before = current();
      const next = applyBuildEvents(before, batch);
      if (next !== before) queryClient.setQueryData(key, next);
      if (isFinishedState(next.state) && !isFinishedState(before.state)) onFinishedRef.current?.(next);
    };

    const connect = () => {
      if (done) return;
      flush();
      const after = current().lastSeq;
      const url = `/api/builds/${encodeURIComponent(id)}/events${after > 0 ? `?after=${after}` : ''}`;
      const es = new EventSource(url);
      source = es;
      es.onopen = () => {
        attempts = 0;
        setConnection('open');
      };
      es.onmessage = (message: MessageEvent<string>) => {
        const event = parseEvent(message);
        if (!event) return;
        pending.push(event);
        if (event.type === 'state' && isFinishedState(event.state)) {
          // the server ends the stream here; closing first stops EventSource from reconnecting
          done = true;
          es.close();
          setConnection('closed');
          flush();
          return;
        }
        flushTimer ??= setTimeout(flush, FLUSH_MS);
      };
      es.onerror = () => {
        if (done) return;
        setConnection('reconnecting');
        // EventSource retries by itself (sending Last-Event-ID) unless it gave up (CLOSED)
        if (es.readyState === EventSource.CLOSED) {
          es.close();
          const delay = Math.min(MAX_RETRY_MS, 500 * 2 ** attempts);
          attempts += 1;
          retryTimer = setTimeout(connect, delay);
        }
      };
    };

    const reconnectNow = () => {
      if (done || !source || source.readyState === EventSource.OPEN) return;
      source.close();
      clearTimeout(retryTimer);
      connect();
    };

    connect();
    window.addEventListener('online', reconnectNow);
    return () => {
      done = true;
      window.removeEventListener('online', reconnectNow);
      clearTimeout(flushTimer);
      clearTimeout(retryTimer);
      source?.close();
      flush();
    };
  }, [id, queryClient, enabled]);

  const stream = query.data ?? emptyBuildStream();
  // derived rather than set in the effect: a new id starts as connecting, a finished stream is closed
  const connection: StreamConnection = isFinishedState(stream.state) ? 'closed' : reported.id === id ? reported.connection : 'connecting';
  return { stream, connection };
}
