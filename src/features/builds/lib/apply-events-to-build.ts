import type { BuildDetail } from '@/spec/build-api';
import type { BuildEvent, StageName } from '@/spec/build-events';
import { freshEvents, isFinishedState } from './build-log';

type Stage = BuildDetail['stages'][number];

const blankStage = (name: StageName): Stage => ({
  name,
  status: 'pending',
  progress: 0,
  message: null,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
});

/**
 * Folds streamed events into the build record the way the server's projection
 * (`server/store/event-projection.ts`) does, so the one cached copy of a build stays what
 * a fresh GET would return. Events the record already contains (seq ≤ `lastEventSeq`) are
 * skipped; artifacts are left to the record, which alone knows their download URLs.
 * Returns the same object when nothing applied.
 */
export function applyEventsToBuild(build: BuildDetail, batch: readonly BuildEvent[]): BuildDetail {
  const { fresh } = freshEvents(build.lastEventSeq, batch);
  if (fresh.length === 0) return build;
  const next: BuildDetail = { ...build, stages: [...build.stages], lastEventSeq: (fresh.at(-1) as BuildEvent).seq };
  const update = (name: StageName, change: (stage: Stage) => Partial<Stage>) => {
    let index = next.stages.findIndex((s) => s.name === name);
    if (index < 0) index = next.stages.push(blankStage(name)) - 1;
    const stage = next.stages[index] as Stage;
    next.stages[index] = { ...stage, ...change(stage) };
  };

  for (const event of fresh) {
    switch (event.type) {
      case 'stage':
        if (event.status === 'started') {
          update(event.stage, () => ({ status: 'running', startedAt: event.time, progress: 0, message: null }));
        } else {
          const status = event.status;
          update(event.stage, (stage) => ({
            status,
            finishedAt: event.time,
            durationMs: event.durationMs ?? (stage.startedAt ? Date.parse(event.time) - Date.parse(stage.startedAt) : null),
            progress: event.status === 'succeeded' ? 100 : stage.progress,
            // the server keeps a stage's error as its message
            message: event.error ?? stage.message,
          }));
        }
        break;
      case 'progress':
        update(event.stage, (stage) => ({ progress: event.percent, message: event.message ?? stage.message }));
        break;
      case 'verify':
        next.verify = [...next.verify, event.check];
        break;
      case 'published':
        next.published = [...next.published, event.image];
        break;
      case 'state': {
        next.state = event.state;
        if (event.state === 'running') {
          next.startedAt = event.time;
          next.queuePosition = null;
        }
        if (!isFinishedState(event.state)) break;
        next.finishedAt = event.time;
        if (event.state === 'failed') {
          next.error = event.reason ?? next.error;
          next.failedStage ??= next.stages.find((s) => s.status === 'running' || s.status === 'failed')?.name ?? null;
        }
        // stages that never got to finish share the build's fate
        const running = event.state === 'failed' ? 'failed' : 'canceled';
        const pending = event.state === 'failed' || event.state === 'succeeded' ? 'skipped' : 'canceled';
        next.stages = next.stages.map((s) =>
          s.status === 'running' ? { ...s, status: running, finishedAt: event.time } : s.status === 'pending' ? { ...s, status: pending } : s,
        );
        break;
      }
      case 'log':
      case 'artifact':
        break;
    }
  }
  return next;
}
