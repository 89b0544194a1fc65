import type { StageRecord } from '@/spec/build-api';
import {
  finishedStates,
  type ArtifactInfo,
  type BuildEvent,
  type BuildState,
  type PublishedImage,
  type StageName,
  type StageStatus,
  type VerifyCheck,
} from '@/spec/build-events';

export interface LogLine {
  /** 1-based position in the whole log; what `#L123` links point at. */
  number: number;
  seq: number;
  stage: StageName;
  stream: 'stdout' | 'stderr' | 'info';
  text: string;
}

export interface LiveStage {
  status: StageStatus;
  progress: number;
  message: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
}

/** Everything the event stream has told us about one build, as the cache holds it. */
export interface BuildStreamState {
  lastSeq: number;
  state: BuildState | null;
  stateReason: string | null;
  stages: Partial<Record<StageName, LiveStage>>;
  lines: LogLine[];
  verify: VerifyCheck[];
  artifacts: ArtifactInfo[];
  published: PublishedImage[];
  /** Events that arrived twice (after a reconnect) and were dropped; kept for tests and diagnostics. */
  duplicatesDropped: number;
}

export const emptyBuildStream = (): BuildStreamState => ({
  lastSeq: 0,
  state: null,
  stateReason: null,
  stages: {},
  lines: [],
  verify: [],
  artifacts: [],
  published: [],
  duplicatesDropped: 0,
});

export const isFinishedState = (state: BuildState | null | undefined): boolean =>
  state != null && finishedStates.includes(state);

const blankStage = (): LiveStage => ({
  status: 'pending',
  progress: 0,
  message: null,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  error: null,
});

/**
 * Folds a batch of events into the stream state. Events at or below `lastSeq` were
 * already applied (a reconnect replays from the last id the server saw), so they are
 * dropped: the log never shows a line twice. Returns the same object when nothing changed.
 */
export function applyBuildEvents(previous: BuildStreamState, batch: readonly BuildEvent[]): BuildStreamState {
  const fresh = batch.filter((e) => e.seq > previous.lastSeq).sort((a, b) => a.seq - b.seq);
  const duplicates = batch.length - fresh.length;
  if (fresh.length === 0) {
    return duplicates === 0 ? previous : { ...previous, duplicatesDropped: previous.duplicatesDropped + duplicates };
  }
  const next: BuildStreamState = {
    ...previous,
    stages: { ...previous.stages },
    duplicatesDropped: previous.duplicatesDropped + duplicates,
  };
  const newLines: LogLine[] = [];
  let lineNumber = previous.lines.length;
  let lastSeq = previous.lastSeq;
  const stage = (name: StageName): LiveStage => {
    const current = { ...(next.stages[name] ?? blankStage()) };
    next.stages[name] = current;
    return current;
  };

  for (const event of fresh) {
    // a batch can itself hold a repeated seq when two connections overlapped
    if (event.seq <= lastSeq) {
      next.duplicatesDropped += 1;
      continue;
    }
    lastSeq = event.seq;
    switch (event.type) {
      case 'log':
        lineNumber += 1;
        newLines.push({ number: lineNumber, seq: event.seq, stage: event.stage, stream: event.stream, text: event.line });
        break;
      case 'stage': {
        const s = stage(event.stage);
        if (event.status === 'started') {
          s.status = 'running';
          s.startedAt = event.time;
        } else {
          s.status = event.status;
          s.finishedAt = event.time;
          if (event.status === 'succeeded') s.progress = 100;
        }
        if (event.durationMs !== undefined) s.durationMs = event.durationMs;
        if (event.error !== undefined) s.error = event.error;
        break;
      }
      case 'progress': {
        const s = stage(event.stage);
        s.progress = event.percent;
        if (event.message !== undefined) s.message = event.message;
        if (s.status === 'pending') s.status = 'running';
        break;
      }
      case 'verify':
        next.verify = [...next.verify.filter((c) => c.name !== event.check.name), event.check];
        break;
      case 'artifact':
        next.artifacts = [...next.artifacts.filter((a) => a.name !== event.artifact.name), event.artifact];
        break;
      case 'published':
        next.published = [...next.published, event.image];
        break;
      case 'state':
        next.state = event.state;
        next.stateReason = event.reason ?? null;
        break;
    }
  }
  next.lastSeq = lastSeq;
  next.lines = newLines.length > 0 ? previous.lines.concat(newLines) : previous.lines;
  return next;
}

/** The server's stage records overlaid with what the stream has reported since. */
export function mergeStages(records: readonly StageRecord[], live: BuildStreamState['stages']): (StageRecord & { error: string | null })[] {
  return records.map((record) => {
    const update = live[record.name];
    if (!update) return { ...record, error: null };
    return {
      ...record,
      status: update.status === 'pending' ? record.status : update.status,
      progress: Math.max(update.progress, update.status === 'pending' ? record.progress : 0),
      message: update.message ?? record.message,
      startedAt: update.startedAt ?? record.startedAt,
      finishedAt: update.finishedAt ?? record.finishedAt,
      durationMs: update.durationMs ?? record.durationMs,
      error: update.error,
    };
  });
}
