import { lazy, Suspense, useMemo } from 'react';
import { Link, useSearchParams } from 'wouter';
import { useBuild } from '@/lib/api/get-build';
import { useBuildSbom } from '@/lib/api/get-build-sbom';
import { StateBadge } from '@/components/state-badge';
import type { BuildDetail } from '@/spec/build-api';
import { readableSpecYaml } from '../lib/readable-spec-yaml';
import { diffSbom } from '../lib/sbom-diff';
import { SbomDiffTable } from './sbom-diff-table';

const SpecDiffEditor = lazy(() => import('./spec-diff-editor'));

function BuildLabel({ letter, build }: { letter: string; build: BuildDetail }) {
  return (
    <li>
      <strong>{letter}</strong>: <Link href={`/builds/${build.id}`}>{build.name}</Link> <StateBadge state={build.state} />{' '}
      <span className="st-muted">
        {build.id.slice(0, 8)} · Kubernetes {build.kubernetesVersion} · {new Date(build.createdAt).toLocaleString()}
      </span>
    </li>
  );
}

/** `/review/compare?a=&b=`: two builds' specs side by side, and what their images contain differently. */
export default function CompareBuildsPage() {
  const [params] = useSearchParams();
  const aId = params.get('a') ?? '';
  const bId = params.get('b') ?? '';
  const a = useBuild(aId);
  const b = useBuild(bId);
  const bothSucceeded = a.data?.state === 'succeeded' && b.data?.state === 'succeeded';
  const sbomA = useBuildSbom(aId, bothSucceeded);
  const sbomB = useBuildSbom(bId, bothSucceeded);
  const diff = useMemo(() => (sbomA.data && sbomB.data ? diffSbom(sbomA.data, sbomB.data) : null), [sbomA.data, sbomB.data]);

  if (!aId || !bId) {
    return (
      <div className="st-page">
        <h1>Compare builds</h1>
        <p>
          Choose two builds in the <Link href="/builds">build list</Link> and press “Compare selected”.
        </p>
      </div>
    );
  }
  if (a.isPending || b.isPending) {
    return (
      <div className="st-page" aria-busy="true">
        <p className="st-muted">Loading both builds…</p>
      </div>
    );
  }
  if (a.isError || b.isError) {
    return (
      <div className="st-page">
        <h1>Compare builds</h1>
        <p role="alert" className="st-error-text">
          {a.isError ? `Build A (${aId}) could not be loaded: ${a.error.message}` : `Build B (${bId}) could not be loaded: ${b.error?.message ?? ''}`}
        </p>
        <Link href="/builds">See all builds</Link>
      </div>
    );
  }

  return (
    <div className="st-page">
      <h1>Compare builds</h1>
      <ul className="st-compare-list">
        <BuildLabel letter="A" build={a.data} />
        <BuildLabel letter="B" build={b.data} />
      </ul>
      <section className="st-card" aria-labelledby="spec-diff-heading">
        <h2 id="spec-diff-heading">Spec differences</h2>
        {a.data.specYaml === b.data.specYaml ? (
          <p className="st-muted">Both builds were made from the same spec.</p>
        ) : (
          <p className="st-muted">A on the left, B on the right.</p>
        )}
        <Suspense fallback={<p className="st-muted">Loading the editor…</p>}>
          <SpecDiffEditor
            original={readableSpecYaml(a.data.specYaml)}
            modified={readableSpecYaml(b.data.specYaml)}
            originalId={a.data.id}
            modifiedId={b.data.id}
          />
        </Suspense>
      </section>
      <section className="st-card" aria-labelledby="sbom-diff-heading">
        <h2 id="sbom-diff-heading">Package differences</h2>
        {!bothSucceeded ? (
          <p className="st-muted">Package lists can be compared once both builds have succeeded.</p>
        ) : sbomA.isError || sbomB.isError ? (
          <p role="alert" className="st-error-text">
            A package list could not be loaded: {(sbomA.error ?? sbomB.error)?.message}
          </p>
        ) : !diff ? (
          <p className="st-muted">Loading both package lists…</p>
        ) : (
          <SbomDiffTable diff={diff} />
        )}
      </section>
    </div>
  );
}
