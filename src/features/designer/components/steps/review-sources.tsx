import { usePreflight } from '@/features/designer/api/get-preflight';
import { useDraftStore } from '@/stores/draft-store';
import { sourceKindTitles, type PreflightResponse } from '@/spec/preflight-api';

/** Each source the spec names, as the server sees it right now; and what to do when one fails. */
export function ReviewSources({ enabled }: { enabled: boolean }) {
  const draft = useDraftStore((s) => s.draft);
  const preflight = usePreflight(draft, enabled);
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
  const failed = result.sources.filter((s) => !s.ok);
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
            The build server cannot use {failed.length === 1 ? 'one source' : `${failed.length} sources`}, so Build will be refused. Point the repository at a
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
    </>
  );
}
