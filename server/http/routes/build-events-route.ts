import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { finishedStates, type BuildEvent } from '../../../src/spec/build-events.ts';
import type { EventHub } from '../../builds/event-hub.ts';
import type { Store } from '../../store/store.ts';
import { streamedBuildEventSchema } from '../api-schemas.ts';
import { notFound } from '../http-error.ts';
import { errorResponse, type RouteDoc } from '../route-docs.ts';
import { parseOrThrow } from './build-routes.ts';

export interface EventStreamOptions {
  store: Store;
  hub: EventHub;
  heartbeatMs?: number;
  /** Catches events written by other processes (workers), which the in-process hub never sees. */
  pollMs?: number;
}

const cursorSchema = z.coerce.number().int().min(0);
const eventParams = z.object({ id: z.string().min(1) });
const eventsDoc: RouteDoc = {
  summary: 'Server-Sent Events; the SSE id is the event seq; ends after the final state',
  params: eventParams,
  query: z.object({ after: cursorSchema.optional() }),
  headers: z.object({ 'Last-Event-ID': cursorSchema.optional() }),
  responses: {
    200: { description: 'text/event-stream of BuildEvent', content: { 'text/event-stream': streamedBuildEventSchema } },
    204: { description: 'Build finished and nothing after the given seq' },
    404: errorResponse('No such build'),
  },
};
/** A client that cannot keep up is dropped; it reconnects with Last-Event-ID and loses nothing. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Live events reach every subscriber as the same object: serialize each once, not once per client. */
const frames = new WeakMap<BuildEvent, string>();
function frameOf(event: BuildEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = `id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`;
    frames.set(event, frame);
  }
  return frame;
}

const isFinal = (event: BuildEvent) => event.type === 'state' && finishedStates.includes(event.state);

/**
 * Server-Sent Events for one build. The sequence number is the SSE id; the stream
 * resumes strictly after Last-Event-ID (or ?after=), replays from the database, then
 * follows live events, and ends after the final state. A finished build with nothing
 * left to send answers 204, which tells EventSource not to reconnect.
 */
export const buildEventsRoute: FastifyPluginAsync<EventStreamOptions> = async (app, options) => {
  const { store, hub } = options;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const pollMs = options.pollMs ?? 1000;

  app.get('/api/builds/:id/events', { config: { role: 'viewer', doc: eventsDoc } }, async (request, reply) => {
    const { id } = parseOrThrow(eventParams, request.params);
    const query = request.query as { after?: string };
    const lastEventId = request.headers['last-event-id'];
    const after = parseOrThrow(cursorSchema, (typeof lastEventId === 'string' ? lastEventId : undefined) ?? query.after ?? 0);
    const row = await store.getRow(id);
    if (!row) throw notFound('build');
    if (finishedStates.includes(row.state) && after >= row.last_seq) return reply.code(204).send();

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write('retry: 2000\n\n');

    let cursor = after;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      unsubscribe();
      clearInterval(heartbeat);
      clearInterval(poll);
      raw.end();
    };
    const send = (events: BuildEvent[]) => {
      let chunk = '';
      let final = false;
      for (const event of events) {
        // A client resuming past the end (Last-Event-ID beyond the last seq) already claims
        // every event; the final state still ends its stream, or it would stay open forever.
        if (event.seq <= cursor && isFinal(event)) {
          final = true;
          break;
        }
        if (event.seq !== cursor + 1) continue;
        chunk += frameOf(event);
        cursor = event.seq;
        if (isFinal(event)) {
          final = true;
          break;
        }
      }
      if (chunk) raw.write(chunk);
      if (final) finish();
      else if (raw.writableLength > MAX_BUFFERED_BYTES) raw.destroy();
    };
    let catching: Promise<void> | undefined;
    let again = false;
    /** Reads whatever the database holds after the cursor; ends the stream once nothing can follow. */
    const readAfterCursor = async () => {
      do {
        again = false;
        while (!done) {
          const events = await store.eventsAfter(id, cursor);
          if (events.length === 0) break;
          send(events);
        }
      } while (again && !done);
      const current = await store.getRow(id);
      if (!done && (!current || (finishedStates.includes(current.state) && cursor >= current.last_seq))) finish();
    };
    // One read at a time; a request for another during it reads once more, so nothing committed meanwhile waits for the poll.
    const catchUp = () => {
      if (catching) {
        again = true;
        return;
      }
      catching = readAfterCursor()
        // the store failed: drop the client, which resumes by Last-Event-ID and loses nothing
        .catch(() => {
          raw.destroy();
        })
        .finally(() => {
          catching = undefined;
        });
    };
    // Subscribe before the first read, so an event committed in between is not lost.
    const unsubscribe = hub.subscribe(id, (events) => {
      if (done) return;
      // a gap: the events in between are in the database already (they are stored before they are published)
      if ((events[0]?.seq ?? 0) > cursor + 1) catchUp();
      else send(events);
    });
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), heartbeatMs);
    const poll = setInterval(catchUp, pollMs);
    raw.on('close', finish);
    catchUp();
  });
};
