import { useLocation } from 'wouter';
import type { BuildDetail } from '@/spec/build-api';
import type { NodeImage } from '@/spec/schema';
import { useCreateBuild } from '../api/create-build';
import { isFinishedState } from '../lib/build-log';

/**
 * Shown when the server answered a submit with an existing build of the identical spec;
 * `movedSources` counts the sources that have published something since it was built.
 */
export function ReusedNotice({ build, movedSources = 0 }: { build: BuildDetail; movedSources?: number }) {
  const [, navigate] = useLocation();
  const create = useCreateBuild();
  const finished = isFinishedState(build.state);
  return (
    <div role="status" className="st-notice st-actions">
      <span>
        {finished
          ? `An identical spec was already built on ${new Date(build.finishedAt ?? build.createdAt).toLocaleString()}; this is its result.`
          : 'An identical spec is already being built; you are following that build.'}
      </span>
      {finished && movedSources > 0 && (
        <>
          <span>
            {movedSources === 1 ? 'One of its sources has' : `${movedSources} of its sources have`} published updates since, so a rebuild would differ.
          </span>
          <button
            type="button"
            className="st-button st-button--small st-button--primary"
            disabled={create.isPending}
            onClick={() =>
              create.mutate(
                { spec: build.spec as unknown as NodeImage, successor: true },
                { onSuccess: (response) => navigate(`/builds/${response.build.id}`) },
              )
            }
          >
            Build a successor from today’s sources
          </button>
        </>
      )}
      {finished && movedSources === 0 && (
        <button
          type="button"
          className="st-button st-button--small"
          disabled={create.isPending}
          onClick={() =>
            create.mutate({ spec: build.spec as unknown as NodeImage, force: true }, { onSuccess: (response) => navigate(`/builds/${response.build.id}`) })
          }
        >
          Build again anyway
        </button>
      )}
      {create.error && <span className="st-error-text">{create.error.message}</span>}
    </div>
  );
}
