import type { StageRecord } from '@/spec/build-api';
import { formatDuration } from '../lib/eta';
import { timelineBars } from '../lib/timeline-bars';
import { stageDescriptions } from '../lib/stage-descriptions';

interface TimelineChartProps {
  stages: readonly StageRecord[];
}

const LABEL_WIDTH = 150;
const ROW = 26;
const CHART_WIDTH = 640;

/** Where each stage's time went: bars placed at their start offset, as an SVG with a table fallback. */
export function TimelineChart({ stages }: TimelineChartProps) {
  const { bars, total } = timelineBars(stages);
  if (bars.length === 0) return <p className="st-muted">No stage timings were recorded.</p>;
  const scale = (CHART_WIDTH - LABEL_WIDTH - 90) / total;
  const height = bars.length * ROW + 24;
  return (
    <figure className="st-chart">
      <svg
        viewBox={`0 0 ${CHART_WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-label={`Build timeline: ${bars.map((b) => `${stageDescriptions[b.stage.name].title} ${formatDuration(b.duration)}`).join(', ')}; total ${formatDuration(total)}`}
      >
        {bars.map((bar, i) => {
          const y = i * ROW + 4;
          const x = LABEL_WIDTH + bar.start * scale;
          const w = Math.max(2, bar.duration * scale);
          return (
            <g key={bar.stage.name}>
              <text x={LABEL_WIDTH - 8} y={y + 14} textAnchor="end" className="st-chart__label">
                {stageDescriptions[bar.stage.name].title}
              </text>
              <rect x={x} y={y} width={w} height={ROW - 8} rx={3} className={`st-chart__bar st-chart__bar--${bar.stage.status}`} />
              <text x={x + w + 6} y={y + 14} className="st-chart__value">
                {formatDuration(bar.duration)}
              </text>
            </g>
          );
        })}
        <line x1={LABEL_WIDTH} x2={LABEL_WIDTH} y1={0} y2={height - 20} className="st-chart__axis" />
        <text x={LABEL_WIDTH} y={height - 4} className="st-chart__value">
          0
        </text>
        <text x={LABEL_WIDTH + total * scale} y={height - 4} textAnchor="end" className="st-chart__value">
          {formatDuration(total)}
        </text>
      </svg>
      <figcaption className="st-muted">Stage durations; total {formatDuration(total)}.</figcaption>
    </figure>
  );
}
