import { hashKey, queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { buildKeys } from '@/lib/api/build-query-keys';
import type { BuildDetail } from '@/spec/build-api';
import { buildEventBodySchema, type BuildEvent } from '@/spec/build-events';
import { applyEventsToBuild } from '../lib/apply-events-to-build';
import { applyLogEvents, emptyBuildLog, isFinishedState, type BuildLog } from '../lib/build-log';

export const buildLogQueryOptions = (id: string) =>
  queryOptions({
    queryKey: buildKeys.log(id),
    // The stream hook is the only writer; a refetch (e.g. a broad invalidation) must keep what it wrote.
    queryFn: ({ client, queryKey }): BuildLog => client.getQueryData<BuildLog>(queryKey) ?? emptyBuildLog(),
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

/** What the service adds to an event body when it stores it. */
const storedFieldsSchema = z.object({ seq: z.number().int().positive(), time: z.string() });

/** Parses one frame; anything that is not a valid build event is dropped (and said so in the console). */
export function parseStreamedEvent(data: string): BuildEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    json = undefined;
  }
  // two plain parses: zod's intersection would merge both results deeply, a cost paid per log line
  const stored = storedFieldsSchema.safeParse(json);
  const body = buildEventBodySchema.safeParse(json);
  if (stored.success && body.success) return { ...body.data, ...stored.data };
  console.warn('Dropped a build event that does not match the event schema', [...(stored.error?.issues ?? []), ...(body.error?.issues ?? [])]);
  return null;
}

/**
 * Follows a build's event stream and writes it into the react-query cache: the build's
 * state, stages, checks and images into its detail entry (`['builds', id]`, the one copy
 * of the build the page reads) and the lines into `['builds', id, 'log']`. It owns the
 * EventSource: opened in the effect, reopened from the last seen seq after a drop, closed on
 * the final state, on unmount and when the id changes. Seqs already applied are dropped,
 * so a resume never duplicates a line.
 */
export function useBuildEvents(id: string, onFinished?: () => void, enabled = true) {
  const queryClient = useQueryClient();
  const query = useQuery(buildLogQueryOptions(id));
  const [reported, setReported] = useState<{ id: string; connection: StreamConnection }>({ id, connection: 'connecting' });
  // a notification, not a reason to reconnect: kept in a ref so the effect does not depend on it
  const onFinishedRef = useRef(onFinished);
  useEffect(() => {
    onFinishedRef.current = onFinished;
  });

  useEffect(() => {
    const logKey = buildKeys.log(id);
    const detailKey = buildKeys.detail(id);
    const current = () => queryClient.getQueryData<BuildLog>(logKey) ?? emptyBuildLog();
    // a build that does not exist (or is still unknown) has no stream worth retrying forever
    if (!enabled || current().ended) return;
    const setConnection = (connection: StreamConnection) => setReported({ id, connection });
    let source: EventSource | null = null;
    let pending: BuildEvent[] = [];
    // Everything but log lines, kept so a GET that answers with an older record (it was
    // sent before these events) gets them again: the record only covers up to its lastEventSeq.
    let buildEvents: BuildEvent[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    let done = false;

    const foldIntoBuild = () => {
      queryClient.setQueryData<BuildDetail>(detailKey, (build) => (build ? applyEventsToBuild(build, buildEvents) : build));
    };
    const detailHash = hashKey(detailKey);
    const unsubscribeCache = queryClient.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated' || event.query.queryHash !== detailHash) return;
      // only a fetched record needs the newer events; our own writes are already folded
      if (event.action.type === 'success' && !event.action.manual && buildEvents.length > 0) foldIntoBuild();
    });

    const flush = () => {
      flushTimer = undefined;
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      const before = current();
      const next = applyLogEvents(before, batch);
      if (next !== before) queryClient.setQueryData(logKey, next);
      const forBuild = batch.filter((e) => e.type !== 'log');
      if (forBuild.length > 0) {
        buildEvents = buildEvents.concat(forBuild);
        foldIntoBuild();
      }
      if (next.ended && !before.ended) onFinishedRef.current?.();
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
        const event = parseStreamedEvent(message.data);
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
      unsubscribeCache();
    };
  }, [id, queryClient, enabled]);

  const log = query.data ?? emptyBuildLog();
  // derived rather than set in the effect: a new id starts as connecting, a finished stream is closed
  const connection: StreamConnection = log.ended ? 'closed' : reported.id === id ? reported.connection : 'connecting';
  return { log, connection };
}
