import { Link } from 'wouter';

/**
 * Where a build ran and what it retried: with several workers (scale-out) an operator
 * needs the worker to find its host, and a retry after a lost worker points back to the
 * interrupted build whose reason says what happened.
 */
export function BuildOrigin({ worker, retryOf }: { worker?: string | null; retryOf?: string | null }) {
  if (!worker && !retryOf) return null;
  return (
    <div role="group" className="st-muted" aria-label="Origin">
      {retryOf && (
        <span>
          Retry of <Link href={`/builds/${retryOf}`}>build {retryOf}</Link>.{' '}
        </span>
      )}
      {worker && (
        <span>
          Worker <code>{worker}</code>
        </span>
      )}
    </div>
  );
}
