import type { BuildState } from '@/spec/build-events';
import type { Estimate } from '../lib/eta';
import { formatDuration } from '../lib/eta';

interface BuildProgressProps {
  state: BuildState;
  queuePosition: number | null;
  estimate: Estimate;
  elapsedMs: number | null;
  historyKnown: boolean;
}

/** Overall progress, elapsed time, ETA and the place in the queue. */
export function BuildProgress({ state, queuePosition, estimate, elapsedMs, historyKnown }: BuildProgressProps) {
  const percent = state === 'succeeded' ? 100 : estimate.overallPercent;
  return (
    <div className="st-overall">
      {state === 'queued' && (
        <p>
          Waiting in the queue
          {queuePosition != null ? (
            <>
              : <strong>{queuePosition <= 1 ? 'next to run' : `position ${queuePosition}, ${queuePosition - 1} build${queuePosition === 2 ? '' : 's'} ahead`}</strong>
            </>
          ) : null}
          .
        </p>
      )}
      <div
        className="st-progress st-progress--large"
        role="progressbar"
        aria-label="Overall progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(percent)}
      >
        <span className="st-progress__bar" style={{ width: `${percent}%` }} />
      </div>
      <dl className="st-facts">
        <div>
          <dt>Progress</dt>
          <dd>{Math.round(percent)} %</dd>
        </div>
        <div>
          <dt>Elapsed</dt>
          <dd>{elapsedMs != null ? formatDuration(elapsedMs) : '—'}</dd>
        </div>
        {state === 'running' && (
          <div>
            <dt>Time left</dt>
            <dd>
              {estimate.remainingMs != null
                ? `about ${formatDuration(estimate.remainingMs)}`
                : historyKnown
                  ? 'unknown (a stage has never run here before)'
                  : 'unknown until a build has finished here'}
            </dd>
          </div>
        )}
      </dl>
    </div>
  );
}
