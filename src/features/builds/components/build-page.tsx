import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, type ReactNode } from 'react';
import { TestImageBanner } from './test-image-banner';
import { Link, useParams, useSearchParams } from 'wouter';
import { ApiRequestError } from '@/lib/api-client';
import { buildKeys } from '@/lib/api/build-query-keys';
import { buildQueryOptions } from '@/lib/api/get-build';
import { useStageHistory } from '../api/get-stage-history';
import { useBuildEvents } from '../hooks/use-build-events';
import { useNow } from '../hooks/use-now';
import { isFinishedState } from '../lib/build-log';
import { estimateRemaining } from '../lib/eta';
import { explainFailure } from '../lib/explain-failure';
import { BuildActions } from './build-actions';
import { BuildInputs } from './build-inputs';
import { BuildLineage } from './build-lineage';
import { BuildOrigin } from './build-origin';
import { BuildProgress } from './build-progress';
import { BuildResults } from './build-results';
import { FailureSummary } from './failure-summary';
import { LogViewer } from './log-viewer';
import { ReusedNotice } from './reused-notice';
import { StageList } from './stage-list';
import { StateBadge } from '@/components/state-badge';
import type { BuildDetail } from '@/spec/build-api';
import '../builds.css';

/** `/builds/:id`: a build live while it runs, its results once it is done. */
interface BuildPageProps {
  verifyDownloads?: ReactNode;
  /** What a rebuild changed against the build it supersedes; the review feature owns the diff, the route passes it in. */
  predecessorDiff?: (build: BuildDetail & { supersedes: string }) => ReactNode;
}

export default function BuildPage({ verifyDownloads, predecessorDiff }: BuildPageProps) {
  const { id = '' } = useParams<{ id: string }>();
  const queryClient = useQueryClient();
  const [searchParams] = useSearchParams();
  const detail = useQuery({
    ...buildQueryOptions(id),
    // the queue position only comes with the build record
    refetchInterval: (query) => (query.state.data?.state === 'queued' ? 3000 : false),
  });
  const history = useStageHistory();
  const { log, connection } = useBuildEvents(
    id,
    () => {
      void queryClient.invalidateQueries({ queryKey: buildKeys.detail(id), exact: true });
      void queryClient.invalidateQueries({ queryKey: buildKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: buildKeys.stageHistory() });
    },
    // opened alongside the first fetch so lines show at once; dropped if the build is unknown
    !detail.isError,
  );

  const build = detail.data;
  const state = build?.state ?? 'queued';
  const finished = isFinishedState(state);
  const now = useNow(!finished);
  const explanation = useMemo(() => {
    if (!build || build.state !== 'failed') return null;
    const failed = build.stages.find((s) => s.status === 'failed');
    return explainFailure({
      failedStage: build.failedStage ?? failed?.name ?? null,
      error: build.error ?? failed?.message ?? log.endReason,
      lines: log.lines,
      verify: build.verify,
    });
  }, [build, log.lines, log.endReason]);

  if (detail.isPending) {
    return (
      <div className="st-page" aria-busy="true">
        <p className="st-muted">Loading the build…</p>
      </div>
    );
  }
  if (detail.isError || !build) {
    const notFound = detail.error instanceof ApiRequestError && detail.error.status === 404;
    return (
      <div className="st-page">
        <h1>{notFound ? 'No such build' : 'The build could not be loaded'}</h1>
        <p role="alert">{notFound ? `There is no build with the id "${id}". It may have been deleted.` : detail.error?.message}</p>
        <p>
          <Link href="/builds">See all builds</Link>
        </p>
      </div>
    );
  }

  const estimate = estimateRemaining(build.stages, history.data ?? {}, now);
  const startedAt = build.startedAt ?? build.stages.find((s) => s.startedAt)?.startedAt ?? null;
  const endedAt = build.finishedAt ?? (finished ? build.stages.reduce<string | null>((last, s) => s.finishedAt ?? last, null) : null);
  const elapsedMs = startedAt ? (endedAt ? Date.parse(endedAt) : now) - Date.parse(startedAt) : null;

  return (
    <div className="st-page st-build">
      <header className="st-build__header">
        <div>
          <h1>
            {build.name} <StateBadge state={state} />
          </h1>
          <p className="st-muted">
            Kubernetes {build.kubernetesVersion} on {build.release} · {build.formats.join(', ')} · build <code>{build.id}</code> · started{' '}
            {new Date(build.createdAt).toLocaleString()}
          </p>
          <p>
            <Link href={`/review/${build.id}`}>View spec</Link> · <Link href="/builds">All builds</Link>
          </p>
        </div>
        <BuildActions id={build.id} state={state} submittedBy={build.submittedBy} />
      </header>

      <TestImageBanner testImage={build.testImage} />
      {searchParams.get('reused') === '1' && <ReusedNotice build={build} movedSources={Number(searchParams.get('moved') ?? 0)} />}
      <BuildLineage id={build.id} supersedes={build.supersedes} supersededBy={build.supersededBy} />
      <BuildOrigin worker={build.worker} retryOf={build.retryOf} />
      {/* opened by default: a rebuild's page is where its rollout is decided */}
      {build.supersedes && predecessorDiff?.({ ...build, supersedes: build.supersedes })}
      {build.deleted && <p className="st-notice">This build was deleted: its files and log are gone, its record and spec remain.</p>}
      {connection === 'reconnecting' && (
        <p role="status" className="st-notice">
          Connection lost; reconnecting. Lines that arrive meanwhile are kept and shown once.
        </p>
      )}
      {explanation && <FailureSummary explanation={explanation} />}
      {state === 'canceled' && <p className="st-notice">This build was canceled{log.endReason ? `: ${log.endReason}` : '.'}</p>}
      {state === 'interrupted' && <p className="st-notice">The server stopped while this build ran, so it did not finish. Retry to build it again.</p>}

      <section aria-labelledby="progress-heading" className="st-card">
        <h2 id="progress-heading">Progress</h2>
        <BuildProgress
          state={state}
          queuePosition={build.queuePosition}
          estimate={estimate}
          elapsedMs={elapsedMs}
          historyKnown={Object.keys(history.data ?? {}).length > 0}
          failedStage={explanation?.stage ?? null}
        />
        <StageList stages={build.stages} now={now} />
      </section>

      <section aria-labelledby="log-heading" className="st-card">
        <h2 id="log-heading">Log</h2>
        <LogViewer lines={log.lines} live={!finished} focusStage={explanation?.stage} downloadUrl={`/api/builds/${encodeURIComponent(build.id)}/log`} />
      </section>

      {finished && <BuildResults build={build} verifyDownloads={verifyDownloads} />}
      <BuildInputs inputs={build.inputs ?? []} />
    </div>
  );
}
