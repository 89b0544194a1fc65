import { finishedStates, type BuildEvent, type BuildState, type StageName } from '@/spec/build-events';

export interface LogLine {
  /** 1-based position in the whole log; what `#L123` links point at. */
  number: number;
  seq: number;
  stage: StageName;
  stream: 'stdout' | 'stderr' | 'info';
  text: string;
}

/**
 * A build's log as the event stream delivered it, with the stream's cursor. The build
 * itself (state, stages, checks) lives in the build detail's cache entry; this holds only
 * what the build record does not: the lines and the words the final state came with.
 */
export interface BuildLog {
  /** The last seq applied, of any event type: where a reconnect resumes. */
  lastSeq: number;
  lines: LogLine[];
  /** The final state event arrived: the log is complete and never changes again. */
  ended: boolean;
  /** Why the build ended as it did ("canceled by request"); the build record keeps only errors. */
  endReason: string | null;
  /** Events that arrived twice (after a reconnect) and were dropped; kept for tests and diagnostics. */
  duplicatesDropped: number;
}

export const emptyBuildLog = (): BuildLog => ({ lastSeq: 0, lines: [], ended: false, endReason: null, duplicatesDropped: 0 });

export const isFinishedState = (state: BuildState | null | undefined): boolean => state != null && finishedStates.includes(state);

/** The events of a batch not applied yet, in seq order, each once; a reconnect replays from an older id. */
export function freshEvents(lastSeq: number, batch: readonly BuildEvent[]): { fresh: BuildEvent[]; duplicates: number } {
  const fresh: BuildEvent[] = [];
  let last = lastSeq;
  for (const event of [...batch].sort((a, b) => a.seq - b.seq)) {
    if (event.seq <= last) continue;
    fresh.push(event);
    last = event.seq;
  }
  return { fresh, duplicates: batch.length - fresh.length };
}

/**
 * Appends a batch to the log. Events at or below `lastSeq` were already applied, so they
 * are dropped: the log never shows a line twice. Returns the same object when nothing changed.
 */
export function applyLogEvents(previous: BuildLog, batch: readonly BuildEvent[]): BuildLog {
  const { fresh, duplicates } = freshEvents(previous.lastSeq, batch);
  if (fresh.length === 0) {
    return duplicates === 0 ? previous : { ...previous, duplicatesDropped: previous.duplicatesDropped + duplicates };
  }
  const newLines: LogLine[] = [];
  let { ended, endReason } = previous;
  for (const event of fresh) {
    if (event.type === 'log') {
      newLines.push({ number: previous.lines.length + newLines.length + 1, seq: event.seq, stage: event.stage, stream: event.stream, text: event.line });
    } else if (event.type === 'state' && isFinishedState(event.state)) {
      ended = true;
      endReason = event.reason ?? null;
    }
  }
  return {
    lastSeq: (fresh.at(-1) as BuildEvent).seq,
    lines: newLines.length > 0 ? previous.lines.concat(newLines) : previous.lines,
    ended,
    endReason,
    duplicatesDropped: previous.duplicatesDropped + duplicates,
  };
}
