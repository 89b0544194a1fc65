import { Link } from 'wouter';

/** The rebuild chain around a build: the build it rebuilt and the newest build that rebuilt it. */
export function BuildLineage({ id, supersedes, supersededBy }: { id: string; supersedes?: string | null; supersededBy?: string | null }) {
  if (!supersedes && !supersededBy) return null;
  return (
    <nav aria-label="Rebuilds" className="st-notice">
      {supersedes && (
        <span>
          Rebuild of <Link href={`/builds/${supersedes}`}>build {supersedes}</Link> (
          <Link href={`/review/compare?a=${encodeURIComponent(supersedes)}&b=${encodeURIComponent(id)}`}>what changed</Link>).{' '}
        </span>
      )}
      {supersededBy && (
        <span>
          Superseded by <Link href={`/builds/${supersededBy}`}>build {supersededBy}</Link>, built from newer sources.
        </span>
      )}
    </nav>
  );
}
