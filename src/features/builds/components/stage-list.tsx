import type { StageRecord } from '@/spec/build-api';
import type { StageStatus } from '@/spec/build-events';
import { formatDuration } from '../lib/eta';
import { stageDescriptions } from '../lib/stage-descriptions';

const statusWords: Record<StageStatus, string> = {
  pending: 'Waiting',
  running: 'Running',
  succeeded: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
  canceled: 'Canceled',
};

const statusIcons: Record<StageStatus, string> = {
  pending: '○',
  running: '◔',
  succeeded: '✓',
  failed: '✕',
  skipped: '–',
  canceled: '⊘',
};

interface StageListProps {
  stages: readonly StageRecord[];
  now: number;
}

export function StageList({ stages, now }: StageListProps) {
  if (stages.length === 0) return <p className="st-muted">No stages yet.</p>;
  return (
    <ol className="st-stages" aria-label="Stages">
      {stages.map((stage) => {
        const description = stageDescriptions[stage.name];
        const elapsed = stage.durationMs ?? (stage.status === 'running' && stage.startedAt ? Math.max(0, now - Date.parse(stage.startedAt)) : null);
        const percent = stage.status === 'succeeded' ? 100 : Math.round(stage.progress);
        return (
          <li key={stage.name} className={`st-stage st-stage--${stage.status}`}>
            <span className="st-stage__icon" aria-hidden="true">
              {statusIcons[stage.status]}
            </span>
            <span className="st-stage__name">
              <strong>{description.title}</strong>
              <span className="st-muted"> {stage.name}</span>
            </span>
            <span className="st-stage__status">{statusWords[stage.status]}</span>
            <span
              className="st-progress"
              role="progressbar"
              aria-label={`${description.title} progress`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
            >
              <span className="st-progress__bar" style={{ width: `${percent}%` }} />
            </span>
            <span className="st-stage__time">{elapsed != null ? formatDuration(elapsed) : ''}</span>
            {/* a failed stage's message is its error */}
            {stage.message && <span className={`st-stage__message ${stage.status === 'failed' ? 'st-error-text' : 'st-muted'}`}>{stage.message}</span>}
          </li>
        );
      })}
    </ol>
  );
}
