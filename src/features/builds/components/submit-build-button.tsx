import { useLocation } from 'wouter';
import { useDraftStore } from '@/stores/draft-store';
import { ApiRequestError } from '@/lib/api-client';
import { useCreateBuild } from '../api/create-build';

/**
 * The Review step's "Build" button: submits the last valid draft and opens the build.
 * When the server reuses a build of an identical spec, the build page says so (`?reused=1`)
 * and offers to build again anyway.
 */
export function SubmitBuildButton() {
  const lastValid = useDraftStore((s) => s.lastValid);
  const status = useDraftStore((s) => s.status);
  const [, navigate] = useLocation();
  const create = useCreateBuild();

  const error = create.error;
  return (
    <div className="st-submit">
      {status !== 'valid' && (
        <p className="st-notice" role="status">
          The spec has errors right now; the build uses its last valid version.
        </p>
      )}
      <button
        type="button"
        className="st-button st-button--primary"
        disabled={create.isPending}
        onClick={() =>
          create.mutate({ spec: lastValid }, { onSuccess: (response) => navigate(`/builds/${response.build.id}${response.reused ? '?reused=1' : ''}`) })
        }
      >
        {create.isPending ? 'Submitting…' : 'Build'}
      </button>
      {error && (
        <div role="alert" className="st-error-text">
          <p>The build was not started: {error.message}</p>
          {error instanceof ApiRequestError && error.body.issues && (
            <ul>
              {error.body.issues.map((issue, i) => (
                <li key={i}>
                  <code>{issue.path.join('.') || 'spec'}</code>: {issue.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
