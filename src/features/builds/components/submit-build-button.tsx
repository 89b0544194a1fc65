import { useLocation } from 'wouter';
import { useDraftStore } from '@/stores/draft-store';
import { ApiRequestError } from '@/lib/api-client';
import { describeIssue } from '@/spec/issue-labels';
import { useCreateBuild } from '../api/create-build';

/**
 * The Review step's "Build" button: submits the draft's YAML exactly as shown and opens the
 * build. While the spec has any problem the button is disabled and says why: building some
 * other ("last valid") version would ship an image different from the one on screen.
 * When the server reuses a build of an identical spec, the build page says so (`?reused=1`).
 */
export function SubmitBuildButton() {
  const yamlText = useDraftStore((s) => s.yamlText);
  const status = useDraftStore((s) => s.status);
  const issues = useDraftStore((s) => s.issues);
  const [, navigate] = useLocation();
  const create = useCreateBuild();
  const first = issues[0];
  const blocked = status !== 'valid';

  const error = create.error;
  return (
    <div className="st-submit">
      {blocked && (
        <p className="st-notice" role="status" id="build-blocked-reason">
          Build is disabled until the spec has no problems ({issues.length} now).{' '}
          {first ? <a href="#spec-issue-0">First problem: {describeIssue(first)}</a> : null}
        </p>
      )}
      <button
        type="button"
        className="st-button st-button--primary"
        disabled={blocked || create.isPending}
        aria-describedby={blocked ? 'build-blocked-reason' : undefined}
        onClick={() =>
          create.mutate({ spec: yamlText }, { onSuccess: (response) => navigate(`/builds/${response.build.id}${response.reused ? '?reused=1' : ''}`) })
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
                <li key={i}>{describeIssue(issue)}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
