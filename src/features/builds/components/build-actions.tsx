import { useState } from 'react';
import { useLocation } from 'wouter';
import { ApiRequestError } from '@/lib/api-client';
import { useSession } from '@/lib/api/get-session';
import type { BuildState } from '@/spec/build-events';
import { useCancelBuild } from '../api/cancel-build';
import { useDeleteBuild } from '../api/delete-build';
import { useRebuildBuild } from '../api/rebuild-build';
import { useRetryBuild } from '../api/retry-build';
import { buildActionAccess } from '../lib/build-action-access';
import { ConfirmDialog } from './confirm-dialog';

type Pending = 'cancel' | 'retry' | 'rebuild' | 'delete' | null;

const errorText = (error: unknown) => (error instanceof ApiRequestError || error instanceof Error ? error.message : 'Something went wrong');

/** Cancel while the build runs; retry, rebuild or delete once it has ended. Each asks first. */
export function BuildActions({ id, state, submittedBy }: { id: string; state: BuildState; submittedBy: string | null | undefined }) {
  const [, navigate] = useLocation();
  const [pending, setPending] = useState<Pending>(null);
  const cancel = useCancelBuild(id);
  const retry = useRetryBuild(id);
  const rebuild = useRebuildBuild(id);
  const remove = useDeleteBuild(id);
  const active = state === 'queued' || state === 'running';
  const error = cancel.error ?? retry.error ?? rebuild.error ?? remove.error;
  // a viewer may not act on builds, a builder only on their own (the server answers 403 otherwise)
  const access = buildActionAccess(useSession().data, submittedBy);
  if (!access.mayAct) return access.reason ? <p className="st-muted">{access.reason}</p> : null;

  return (
    <div className="st-actions">
      {active && (
        <button type="button" className="st-button st-button--danger" onClick={() => setPending('cancel')}>
          Cancel build
        </button>
      )}
      {!active && state !== 'succeeded' && (
        <button type="button" className="st-button st-button--primary" onClick={() => setPending('retry')}>
          Retry
        </button>
      )}
      {state === 'succeeded' && (
        <button type="button" className="st-button" onClick={() => setPending('rebuild')}>
          Rebuild with updates
        </button>
      )}
      {!active && (
        <button type="button" className="st-button" onClick={() => setPending('delete')}>
          Delete
        </button>
      )}
      {error && (
        <p role="alert" className="st-error-text">
          {errorText(error)}
        </p>
      )}
      {pending === 'cancel' && (
        <ConfirmDialog
          title="Cancel this build?"
          body="The running stage is stopped and nothing is kept. You can retry it later."
          confirmLabel="Cancel build"
          danger
          busy={cancel.isPending}
          onCancel={() => setPending(null)}
          onConfirm={() => cancel.mutate(undefined, { onSettled: () => setPending(null) })}
        />
      )}
      {pending === 'retry' && (
        <ConfirmDialog
          title="Retry this build?"
          body="The same spec is built again from the start, as a new build."
          confirmLabel="Retry"
          busy={retry.isPending}
          onCancel={() => setPending(null)}
          onConfirm={() =>
            retry.mutate(undefined, {
              onSuccess: (response) => navigate(`/builds/${response.build.id}`),
              onSettled: () => setPending(null),
            })
          }
        />
      )}
      {pending === 'rebuild' && (
        <ConfirmDialog
          title="Rebuild with today’s sources?"
          body="The same spec is built again, installing whatever its apt suites serve now. The new build supersedes this one, which stays as it is."
          confirmLabel="Rebuild"
          busy={rebuild.isPending}
          onCancel={() => setPending(null)}
          onConfirm={() =>
            rebuild.mutate(undefined, {
              onSuccess: (response) => navigate(`/builds/${response.build.id}`),
              onSettled: () => setPending(null),
            })
          }
        />
      )}
      {pending === 'delete' && (
        <ConfirmDialog
          title="Delete this build?"
          body="Its files and log are removed for good. The spec stays in the history."
          confirmLabel="Delete"
          danger
          busy={remove.isPending}
          onCancel={() => setPending(null)}
          onConfirm={() =>
            remove.mutate(undefined, {
              onSuccess: () => navigate('/builds'),
              onSettled: () => setPending(null),
            })
          }
        />
      )}
    </div>
  );
}
