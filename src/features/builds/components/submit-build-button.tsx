import { useLocation } from 'wouter';
import { useDraftStore } from '@/stores/draft-store';
import { usePreflightSkipStore } from '@/stores/preflight-skip-store';
import { ApiRequestError } from '@/lib/api-client';
import { usePreflight } from '@/lib/api/get-preflight';
import { useHasRole, useSession } from '@/lib/api/get-session';
import type { CreateBuildResponse } from '@/spec/build-api';
import { describeIssue } from '@/spec/issue-labels';
import { describeSourceFailure } from '@/spec/preflight-api';
import { useCreateBuild } from '../api/create-build';

/**
 * The Review step's "Build" button: submits the draft's YAML exactly as shown and opens the
 * build. While the spec has any problem the button is disabled and says why: building some
 * other ("last valid") version would ship an image different from the one on screen.
 * Likewise while the server's preflight reports a source it cannot use and would refuse the
 * build for, unless the user vouched for that host (the Review step's "skip the checks").
 * When the server reuses a build of an identical spec, the build page says so (`?reused=1`).
 */
export function SubmitBuildButton() {
  const yamlText = useDraftStore((s) => s.yamlText);
  const draft = useDraftStore((s) => s.draft);
  const status = useDraftStore((s) => s.status);
  const issues = useDraftStore((s) => s.issues);
  const skipHosts = usePreflightSkipStore((s) => s.hosts);
  const [, navigate] = useLocation();
  const create = useCreateBuild();
  // the same query the Review step's source list shows; while it runs the server still checks
  const preflight = usePreflight(draft, status === 'valid', skipHosts);
  const first = issues[0];
  // a viewer reads builds but may not start one: the server would answer 403
  const session = useSession();
  const mayBuild = useHasRole('builder') !== false;
  const blocked = status !== 'valid';
  const failing = !blocked && preflight.data?.enforced ? preflight.data.sources.filter((s) => !s.ok) : [];
  const describedBy = !mayBuild ? 'build-blocked-role' : blocked ? 'build-blocked-reason' : failing.length > 0 ? 'build-blocked-sources' : undefined;

  const error = create.error;
  return (
    <div className="st-submit">
      {!mayBuild && (
        <p className="st-notice" role="status" id="build-blocked-role">
          {session.data?.user
            ? `Build is disabled: ${session.data.user.name} has the ${session.data.user.role} role, which reads builds but does not start them. An admin can give you the builder role.`
            : 'Build is disabled until you sign in.'}
        </p>
      )}
      {blocked && (
        <p className="st-notice" role="status" id="build-blocked-reason">
          Build is disabled until the spec has no problems ({issues.length} now).{' '}
          {first ? <a href="#spec-issue-0">First problem: {describeIssue(first)}</a> : null}
        </p>
      )}
      {failing.length > 0 && (
        <p className="st-notice" role="status" id="build-blocked-sources">
          Build is disabled: the build server cannot use {failing.length === 1 ? 'a source' : `${failing.length} sources`} this spec names (
          {failing.map(describeSourceFailure).join('; ')}). <a href="#review-sources">See Sources</a> for what to do.
        </p>
      )}
      <button
        type="button"
        className="st-button st-button--primary"
        disabled={!mayBuild || blocked || failing.length > 0 || create.isPending}
        aria-describedby={describedBy}
        onClick={() =>
          create.mutate(
            { spec: yamlText, skipPreflight: skipHosts },
            { onSuccess: (response) => navigate(`/builds/${response.build.id}${reusedQuery(response)}`) },
          )
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

/** The build page says a build was reused, and how many of its sources have moved on since. */
function reusedQuery(response: CreateBuildResponse): string {
  if (!response.reused) return '';
  const moved = response.stale?.changed.length ?? 0;
  return moved > 0 ? `?reused=1&moved=${moved}` : '?reused=1';
}
