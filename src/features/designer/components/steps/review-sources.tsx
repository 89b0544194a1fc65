import { usePreflight } from '@/lib/api/get-preflight';
import { useDraftStore } from '@/stores/draft-store';
import { usePreflightSkipStore } from '@/stores/preflight-skip-store';
import { isPolicyRefusal, sourceHost, sourceKindTitles, type PreflightResponse } from '@/spec/preflight-api';

/** Each source the spec names, as the server sees it right now; and what to do when one fails. */
export function ReviewSources({ enabled }: { enabled: boolean }) {
  const draft = useDraftStore((s) => s.draft);
  const skipHosts = usePreflightSkipStore((s) => s.hosts);
  const preflight = usePreflight(draft, enabled, skipHosts);
  if (!enabled) return null;

  return (
    <section aria-labelledby="review-sources" className="review-sources">
      <h3 id="review-sources">Sources</h3>
      {preflight.isPending ? <p role="status">Checking the sources this spec names from the build server…</p> : null}
      {preflight.isError ? <p className="status status--error">The sources could not be checked: {preflight.error.message}</p> : null}
      {preflight.data ? <SourceResults result={preflight.data} /> : null}
    </section>
  );
}

function SourceResults({ result }: { result: PreflightResponse }) {
  const draft = useDraftStore((s) => s.draft);
  const setFromForm = useDraftStore((s) => s.setFromForm);
  const skipHosts = usePreflightSkipStore((s) => s.hosts);
  const setSkipped = usePreflightSkipStore((s) => s.setSkipped);
  const failed = result.sources.filter((s) => !s.ok);
  // a host can be vouched for when the server merely failed to reach it (not when policy refuses it)
  const vouchable = [
    ...new Set(
      result.sources
        .filter((s) => s.skipped || (!s.ok && !isPolicyRefusal(s)))
        .map((s) => sourceHost(s.url))
        .filter(Boolean),
    ),
  ];
  const standIn = result.standIn;
  const useStandIn = () =>
    standIn &&
    setFromForm({
      ...draft,
      spec: {
        ...draft.spec,
        kubernetes: { ...draft.spec.kubernetes, source: { type: 'apt', repository: standIn.repository, signingKeyUrl: standIn.signingKeyUrl } },
      },
    });

  return (
    <>
      <ul aria-label="Source checks" className="summary">
        {result.sources.map((source) => (
          <li key={`${source.kind} ${source.url}`} className="summary__row">
            <span>{sourceKindTitles[source.kind]}</span> <code>{source.url}</code>{' '}
            <span className={source.ok ? 'status--success' : 'st-error-text'}>
              {source.skipped
                ? 'not checked (skipped)'
                : source.ok
                  ? `reachable (HTTP ${source.status ?? '?'}, ${source.ms} ms)`
                  : `unreachable: ${source.error ?? 'failed'} (${source.ms} ms)`}
            </span>
          </li>
        ))}
      </ul>
      {failed.length > 0 ? (
        <div className="status status--error" role="alert">
          <p>
            The build server cannot use {failed.length === 1 ? 'one source' : `${failed.length} sources`}
            {result.enforced ? ', so Build is disabled' : ' (this server does not refuse such a build, but it will likely fail)'}. Point the repository at a
            mirror or proxy the build host can reach, or, to try Stamper offline, serve the Kubernetes stand-in (<code>npm run kubernetes-stand-in</code>) and
            use it.
          </p>
          {standIn ? (
            <button type="button" onClick={useStandIn}>
              Use this server's Kubernetes stand-in (test image: stand-in binaries, not a working node)
            </button>
          ) : null}
        </div>
      ) : null}
      {vouchable.length > 0 ? (
        <fieldset className="group">
          <legend>Hosts only the build machine can reach</legend>
          {vouchable.map((host) => (
            <label key={host}>
              <input type="checkbox" checked={skipHosts.includes(host)} onChange={(e) => setSkipped(host, e.target.checked)} /> Skip the checks of{' '}
              <code>{host}</code>: the build machine can reach it though this server cannot
            </label>
          ))}
        </fieldset>
      ) : null}
    </>
  );
}
