import type { BuildState } from '@/spec/build-events';

const labels: Record<BuildState, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  canceled: 'Canceled',
  interrupted: 'Interrupted',
};

export function StateBadge({ state }: { state: BuildState }) {
  return <span className={`st-badge st-badge--${state}`}>{labels[state]}</span>;
}
