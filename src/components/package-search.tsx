import { useId, useState } from 'react';
import { formatBytes } from '@/lib/format-bytes';
import { usePackageSearch } from '@/lib/api/search-packages';
import { useDebouncedValue } from '@/hooks/use-debounced-value';
import './package-search.css';

export interface PackageSearchProps {
  release: string;
  onAdd: (packageName: string) => void;
}

/** Search the chosen release's package index and add packages to the spec. */
export function PackageSearch({ release, onAdd }: PackageSearchProps) {
  const id = useId();
  const [query, setQuery] = useState('');
  const [added, setAdded] = useState<string[]>([]);
  const debounced = useDebouncedValue(query, 250);
  const search = usePackageSearch(release, debounced);
  const tooShort = debounced.trim().length < 2;

  return (
    <section className="pkg-search" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Find packages in {release}</h3>
      <label htmlFor={`${id}-q`}>Search by name or description</label>
      <input
        id={`${id}-q`}
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder="e.g. htop, nfs, jq"
        aria-describedby={`${id}-status`}
        autoComplete="off"
      />
      <p id={`${id}-status`} className="pkg-search__status" role="status" aria-live="polite">
        {tooShort
          ? 'Type at least two letters.'
          : search.isPending
            ? 'Searching… (the first search of a release downloads its index and can take a few seconds)'
            : search.isError
              ? `Search is unavailable: ${search.error.message}. You can still add packages by name below.`
              : search.data.total === 0
                ? `No package in ${release} matches “${debounced.trim()}”.`
                : `${search.data.total.toLocaleString('en')} packages match${search.data.total > search.data.items.length ? `; showing the first ${search.data.items.length}` : ''}.`}
      </p>
      {!tooShort && search.data && search.data.items.length > 0 && (
        <ul className="pkg-search__results" aria-label="Matching packages">
          {search.data.items.map((hit) => {
            const isAdded = added.includes(hit.name);
            return (
              <li key={hit.name} className="pkg-search__hit">
                <span className="pkg-search__name">{hit.name}</span>
                <span className="pkg-search__meta">
                  <code>{hit.version}</code> · {formatBytes(hit.installedSizeBytes)} installed
                </span>
                <span className="pkg-search__description">{hit.description}</span>
                <button
                  type="button"
                  className="pkg-search__add"
                  disabled={isAdded}
                  aria-label={isAdded ? `${hit.name} added` : `Add ${hit.name}`}
                  onClick={() => {
                    onAdd(hit.name);
                    setAdded((list) => [...list, hit.name]);
                  }}
                >
                  {isAdded ? 'Added' : 'Add'}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
