import type { BuildState, StageName } from '@/spec/build-events';
import type { Estimate } from '../lib/eta';
import { formatDuration } from '../lib/eta';
import { stageDescriptions } from '../lib/stage-descriptions';

interface BuildProgressProps {
  state: BuildState;
  queuePosition: number | null;
  estimate: Estimate;
  elapsedMs: number | null;
  historyKnown: boolean;
  /** The stage a failed build stopped at, when known. */
  failedStage: StageName | null;
}

function timeLeft(estimate: Estimate, historyKnown: boolean): string {
  if (estimate.remainingMs == null) return historyKnown ? 'unknown (a stage has never run here before)' : 'unknown until a build has finished here';
  const about = `about ${formatDuration(estimate.remainingMs)}`;
  // a new server knows no build times of its own yet: say where the figure comes from
  return estimate.fromReference ? `${about} (estimate from a reference machine; builds here will refine it)` : about;
}

/** Overall progress, elapsed time, ETA and the place in the queue. */
export function BuildProgress({ state, queuePosition, estimate, elapsedMs, historyKnown, failedStage }: BuildProgressProps) {
  const percent = state === 'succeeded' ? 100 : estimate.overallPercent;
  // a failed build is not "94 % done": it stopped, at a stage
  const failedAt = state === 'failed' ? (failedStage ? `Failed at ${stageDescriptions[failedStage].title}` : 'Failed') : null;
  return (
    <div className="st-overall">
      {state === 'queued' && (
        <p>
          Waiting in the queue
          {queuePosition != null ? (
            <>
              :{' '}
              <strong>
                {queuePosition <= 1 ? 'next to run' : `position ${queuePosition}, ${queuePosition - 1} build${queuePosition === 2 ? '' : 's'} ahead`}
              </strong>
            </>
          ) : null}
          .
        </p>
      )}
      <div
        className={`st-progress st-progress--large${failedAt ? ' st-progress--failed' : ''}`}
        role="progressbar"
        aria-label="Overall progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(percent)}
        aria-valuetext={failedAt ?? `${Math.round(percent)} %`}
      >
        <span className="st-progress__bar" style={{ width: `${percent}%` }} />
      </div>
      <dl className="st-facts">
        <div>
          <dt>Progress</dt>
          <dd>{failedAt ?? `${Math.round(percent)} %`}</dd>
        </div>
        <div>
          <dt>Elapsed</dt>
          <dd>{elapsedMs != null ? formatDuration(elapsedMs) : '—'}</dd>
        </div>
        {state === 'running' && (
          <div>
            <dt>Time left</dt>
            <dd>{timeLeft(estimate, historyKnown)}</dd>
          </div>
        )}
      </dl>
    </div>
  );
}
