import { useId } from 'react';
import { CopyButton } from './copy-button';

interface LogToolbarProps {
  query: string;
  onQueryChange: (query: string) => void;
  /** null while no search is active. */
  matchCount: number | null;
  matchPosition: number;
  onNext: () => void;
  onPrevious: () => void;
  follow: boolean;
  onFollowChange: (follow: boolean) => void;
  allFolded: boolean;
  onFoldAll: (fold: boolean) => void;
  downloadUrl: string;
  lineCount: number;
  /** The line a `#L` link points at, offered for copying. */
  selectedLine: number | null;
}

export function LogToolbar(props: LogToolbarProps) {
  const searchId = useId();
  const { matchCount, matchPosition } = props;
  const status =
    matchCount === null ? '' : matchCount === 0 ? 'No matches' : matchPosition >= 0 ? `${matchPosition + 1} of ${matchCount}` : `${matchCount} matches`;
  const lineLink = props.selectedLine === null ? null : `${window.location.origin}${window.location.pathname}${window.location.search}#L${props.selectedLine}`;
  return (
    <div className="st-log__toolbar" role="toolbar" aria-label="Log tools">
      <label htmlFor={searchId} className="st-visually-hidden">
        Search the log
      </label>
      <input
        id={searchId}
        type="search"
        placeholder="Search the log"
        value={props.query}
        onChange={(e) => props.onQueryChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            if (e.shiftKey) props.onPrevious();
            else props.onNext();
          }
        }}
      />
      <button type="button" className="st-button st-button--small" onClick={props.onPrevious} disabled={!matchCount} aria-label="Previous match">
        ↑ Prev
      </button>
      <button type="button" className="st-button st-button--small" onClick={props.onNext} disabled={!matchCount} aria-label="Next match">
        ↓ Next
      </button>
      <span className="st-log__status" role="status" aria-live="polite">
        {status}
      </span>
      <span className="st-spacer" />
      <label className="st-log__follow">
        <input type="checkbox" checked={props.follow} onChange={(e) => props.onFollowChange(e.target.checked)} /> Follow
      </label>
      <button type="button" className="st-button st-button--small" onClick={() => props.onFoldAll(!props.allFolded)}>
        {props.allFolded ? 'Expand all' : 'Collapse all'}
      </button>
      {lineLink && (
        <CopyButton value={lineLink} label={`Copy a link to line ${props.selectedLine}`}>
          {`Copy link to L${props.selectedLine}`}
        </CopyButton>
      )}
      <a className="st-button st-button--small" href={props.downloadUrl} download>
        Download log ({props.lineCount.toLocaleString('en')} lines)
      </a>
    </div>
  );
}
