import type { SbomPackage } from '@/spec/build-api';
import { formatBytes } from '@/lib/format-bytes';

const TOP = 15;
const ROW = 22;
const WIDTH = 640;
const LABEL = 190;

/** The largest packages as horizontal bars, so it is clear where the image's size comes from. */
export function SbomSizeChart({ packages }: { packages: readonly SbomPackage[] }) {
  const sized = packages.filter((p): p is SbomPackage & { sizeBytes: number } => p.sizeBytes != null && p.sizeBytes > 0);
  if (sized.length === 0) return <p className="st-muted">The package list has no sizes.</p>;
  const total = sized.reduce((sum, p) => sum + p.sizeBytes, 0);
  const top = [...sized].sort((a, b) => b.sizeBytes - a.sizeBytes).slice(0, TOP);
  const rest = total - top.reduce((sum, p) => sum + p.sizeBytes, 0);
  const bars =
    rest > 0
      ? [...top.map((p) => ({ label: p.name, size: p.sizeBytes })), { label: `${sized.length - top.length} others`, size: rest }]
      : top.map((p) => ({ label: p.name, size: p.sizeBytes }));
  const max = Math.max(...bars.map((b) => b.size));
  // room on the right for the size and share written after the longest bar
  const scale = (WIDTH - LABEL - 150) / max;
  return (
    <figure className="st-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${bars.length * ROW + 4}`}
        width="100%"
        role="img"
        aria-label={`Largest packages: ${top
          .slice(0, 5)
          .map((p) => `${p.name} ${formatBytes(p.sizeBytes)}`)
          .join(', ')}; ${formatBytes(total)} in all`}
      >
        {bars.map((bar, i) => (
          <g key={bar.label}>
            <text x={LABEL - 8} y={i * ROW + 15} textAnchor="end" className="st-chart__label">
              {bar.label.length > 26 ? `${bar.label.slice(0, 25)}…` : bar.label}
            </text>
            <rect
              x={LABEL}
              y={i * ROW + 3}
              width={Math.max(2, bar.size * scale)}
              height={ROW - 6}
              rx={2}
              className={i < top.length ? 'st-chart__bar' : 'st-chart__bar st-chart__bar--rest'}
            />
            <text x={LABEL + bar.size * scale + 6} y={i * ROW + 15} className="st-chart__value">
              {formatBytes(bar.size)} ({((bar.size / total) * 100).toFixed(1)} %)
            </text>
          </g>
        ))}
      </svg>
      <figcaption className="st-muted">
        Installed size of the {top.length} largest packages; {formatBytes(total)} in all.
      </figcaption>
    </figure>
  );
}
