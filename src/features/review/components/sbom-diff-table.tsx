import { formatBytes } from '@/lib/format-bytes';
import type { SbomChange, SbomDiff } from '../lib/sbom-diff';

const kindWords: Record<SbomChange['kind'], string> = { added: 'Added', removed: 'Removed', changed: 'Changed' };

/** Packages added, removed and changed from build A to build B; each side's size in its own column. */
export function SbomDiffTable({ diff }: { diff: SbomDiff }) {
  const rows = [...diff.changed, ...diff.added, ...diff.removed];
  return (
    <>
      <p role="status">
        <span className="st-diff-added">{diff.added.length} added</span>, <span className="st-diff-removed">{diff.removed.length} removed</span>,{' '}
        <span className="st-diff-changed">{diff.changed.length} changed</span>, {diff.unchangedCount} unchanged.
      </p>
      {rows.length === 0 ? (
        <p className="st-muted">Both images contain exactly the same packages.</p>
      ) : (
        <div className="st-table-wrap">
          <table className="st-table st-table--compact" aria-label="Package differences">
            <thead>
              <tr>
                <th scope="col">Change</th>
                <th scope="col">Package</th>
                <th scope="col">Version in A</th>
                <th scope="col">Version in B</th>
                <th scope="col" className="st-num">
                  Size in A
                </th>
                <th scope="col" className="st-num">
                  Size in B
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={`${row.kind}-${row.name}-${row.before?.version ?? ''}-${row.after?.version ?? ''}`}>
                  <td className={`st-diff-${row.kind}`}>{kindWords[row.kind]}</td>
                  <th scope="row">{row.name}</th>
                  <td>{row.before ? <code>{row.before.version}</code> : '—'}</td>
                  <td>{row.after ? <code>{row.after.version}</code> : '—'}</td>
                  <td className="st-num">{row.before ? formatBytes(row.before.sizeBytes) : '—'}</td>
                  <td className="st-num">{row.after ? formatBytes(row.after.sizeBytes) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
