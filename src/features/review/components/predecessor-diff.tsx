import { useMemo } from 'react';
import { Link } from 'wouter';
import { useBuild } from '@/lib/api/get-build';
import { useBuildSbom } from '@/lib/api/get-build-sbom';
import type { BuildDetail } from '@/spec/build-api';
import { kernelVersion } from '../lib/kernel-version';
import { diffSbom } from '../lib/sbom-diff';
import { SbomDiffTable } from './sbom-diff-table';

function BeforeAfter({ label, before, after }: { label: string; before: string | null; after: string | null }) {
  const unknown = 'not in the package list';
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        {before === after ? (
          <>
            <code>{before ?? unknown}</code> (unchanged)
          </>
        ) : (
          <>
            <code>{before ?? unknown}</code> → <code>{after ?? unknown}</code>
          </>
        )}
      </dd>
    </div>
  );
}

/**
 * A rebuild's changes against the build it supersedes, open on its page: the kernel and
 * Kubernetes versions before → after first, then every package that changed. What an
 * operator reads before rolling the new image out to a fleet.
 */
export function PredecessorDiff({ build }: { build: BuildDetail & { supersedes: string } }) {
  const previous = useBuild(build.supersedes);
  const bothSucceeded = build.state === 'succeeded' && previous.data?.state === 'succeeded';
  const before = useBuildSbom(build.supersedes, bothSucceeded);
  const after = useBuildSbom(build.id, bothSucceeded);
  const diff = useMemo(() => (before.data && after.data ? diffSbom(before.data, after.data) : null), [before.data, after.data]);
  const compareUrl = `/review/compare?a=${encodeURIComponent(build.supersedes)}&b=${encodeURIComponent(build.id)}`;

  return (
    <section aria-labelledby="predecessor-diff-heading" className="st-card">
      <h2 id="predecessor-diff-heading">Changes since build {build.supersedes}</h2>
      {previous.isError ? (
        <p role="alert" className="st-error-text">
          The previous build could not be loaded: {previous.error.message}
        </p>
      ) : !bothSucceeded ? (
        <p className="st-muted">
          {build.state === 'succeeded' ? 'The previous build has no package list to compare.' : 'The package changes show once this build has succeeded.'}
        </p>
      ) : before.isError || after.isError ? (
        <p role="alert" className="st-error-text">
          A package list could not be loaded: {(before.error ?? after.error)?.message}
        </p>
      ) : !diff || !previous.data || !before.data || !after.data ? (
        <p className="st-muted">Loading both package lists…</p>
      ) : (
        <>
          <div role="group" aria-label="Versions before and after">
            <dl className="st-facts">
              <BeforeAfter label="Kernel" before={kernelVersion(before.data)} after={kernelVersion(after.data)} />
              <BeforeAfter label="Kubernetes" before={previous.data.kubernetesVersion} after={build.kubernetesVersion} />
            </dl>
          </div>
          <SbomDiffTable diff={diff} />
        </>
      )}
      <p>
        <Link href={compareUrl}>Compare the specs side by side</Link>
      </p>
    </section>
  );
}
