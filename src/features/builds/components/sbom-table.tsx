import { useDeferredValue, useId, useMemo, useState } from 'react';
import type { SbomPackage } from '@/spec/build-api';
import { formatBytes } from '@/lib/format-bytes';

type SortKey = 'name' | 'size';
const PAGE = 100;

/** The image's installed packages: filter by name or version, sort by name or size. */
export function SbomTable({ packages }: { packages: readonly SbomPackage[] }) {
  const searchId = useId();
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<SortKey>('name');
  const [shown, setShown] = useState(PAGE);
  const deferred = useDeferredValue(query.trim().toLowerCase());
  const rows = useMemo(() => {
    const filtered = deferred ? packages.filter((p) => p.name.toLowerCase().includes(deferred) || p.version.toLowerCase().includes(deferred)) : [...packages];
    return filtered.sort((a, b) => (sort === 'size' ? (b.sizeBytes ?? -1) - (a.sizeBytes ?? -1) : a.name.localeCompare(b.name)));
  }, [packages, deferred, sort]);
  const total = packages.reduce((sum, p) => sum + (p.sizeBytes ?? 0), 0);

  return (
    <div className="st-sbom">
      <div className="st-filters">
        <label htmlFor={searchId}>Find a package</label>
        <input id={searchId} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="name or version" />
        <span role="status" className="st-muted">
          {rows.length.toLocaleString('en')} of {packages.length.toLocaleString('en')} packages, {formatBytes(total)} installed
        </span>
      </div>
      {/* scrolls on its own, so it must be reachable by keyboard */}
      <div className="st-table-wrap" tabIndex={0} role="region" aria-label="Installed packages, scrollable">
        <table className="st-table st-table--compact">
          <caption className="st-visually-hidden">Installed packages</caption>
          <thead>
            <tr>
              <th scope="col" aria-sort={sort === 'name' ? 'ascending' : 'none'}>
                <button type="button" className="st-link-button" onClick={() => setSort('name')}>
                  Package
                </button>
              </th>
              <th scope="col">Version</th>
              <th scope="col" className="st-num" aria-sort={sort === 'size' ? 'descending' : 'none'}>
                <button type="button" className="st-link-button" onClick={() => setSort('size')}>
                  Installed size
                </button>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, shown).map((p) => (
              <tr key={`${p.name}@${p.version}`}>
                <td>{p.name}</td>
                <td>
                  <code>{p.version}</code>
                </td>
                <td className="st-num">{formatBytes(p.sizeBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > shown && (
        <button type="button" className="st-button" onClick={() => setShown(shown + PAGE * 5)}>
          Show more ({(rows.length - shown).toLocaleString('en')} left)
        </button>
      )}
    </div>
  );
}
