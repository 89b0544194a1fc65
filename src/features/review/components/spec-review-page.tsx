import { lazy, Suspense } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import { useBuild } from '@/lib/api/get-build';
import { StateBadge } from '@/components/state-badge';
import { useDraftStore } from '@/stores/draft-store';
import { ApiRequestError } from '@/lib/api-client';
import { nodeImageSchema } from '@/spec/schema';
import { parseSpecYaml } from '@/spec/yaml-spec';
import { readableSpecYaml } from '../lib/readable-spec-yaml';

const SpecYamlView = lazy(() => import('./spec-yaml-view'));

/** `/review/:id`: the spec a build was made from, read-only, with "use as starting point". */
export default function SpecReviewPage() {
  const { id = '' } = useParams<{ id: string }>();
  const [, navigate] = useLocation();
  const build = useBuild(id);

  if (build.isPending) {
    return (
      <div className="st-page" aria-busy="true">
        <p className="st-muted">Loading the spec…</p>
      </div>
    );
  }
  if (build.isError) {
    const notFound = build.error instanceof ApiRequestError && build.error.status === 404;
    return (
      <div className="st-page">
        <h1>{notFound ? 'No such build' : 'The spec could not be loaded'}</h1>
        <p role="alert">{notFound ? `There is no build with the id "${id}".` : build.error.message}</p>
        <Link href="/builds">See all builds</Link>
      </div>
    );
  }

  const data = build.data;
  const useAsStart = () => {
    // the stored spec has defaults applied; fall back to its YAML if the schema moved on since
    const parsed = nodeImageSchema.safeParse(data.spec);
    const spec = parsed.success
      ? parsed.data
      : (() => {
          const fromYaml = parseSpecYaml(data.specYaml);
          return fromYaml.ok ? fromYaml.value : null;
        })();
    if (!spec) return;
    useDraftStore.getState().replace(spec);
    navigate('/');
  };

  return (
    <div className="st-page">
      <h1>
        Spec of {data.name} <StateBadge state={data.state} />
      </h1>
      <p className="st-muted">
        Build <Link href={`/builds/${data.id}`}>{data.id}</Link> · Kubernetes {data.kubernetesVersion} on {data.release} · build key{' '}
        <code title={data.buildKey}>{data.buildKey.slice(0, 16)}…</code>
      </p>
      <div className="st-actions" style={{ marginBottom: '0.75rem' }}>
        <button type="button" className="st-button st-button--primary" onClick={useAsStart}>
          Use as starting point
        </button>
        {/* every build, not only this name's: a comparison across designs is the common one */}
        <Link className="st-button" href={`/builds?compareWith=${encodeURIComponent(data.id)}`}>
          Compare with another build
        </Link>
      </div>
      <Suspense fallback={<p className="st-muted">Loading the editor…</p>}>
        <SpecYamlView value={readableSpecYaml(data.specYaml)} id={data.id} />
      </Suspense>
    </div>
  );
}
