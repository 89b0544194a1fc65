import type { ReactNode } from 'react';
import type { BuildDetail } from '@/spec/build-api';
import { useBuildSbom } from '@/lib/api/get-build-sbom';
import { ArtifactsTable } from './artifacts-table';
import { CapiBootstrapStatus } from './capi-bootstrap-status';
import { BuildChannels } from './build-channels';
import { BuildUpdatesSection } from './build-updates';
import { DropInManifests } from './drop-in-manifests';
import { groupByProviderTarget } from '../lib/provider-groups';
import { ProviderDownloads } from './provider-downloads';
import { PublishedImages } from './published-images';
import { SbomSizeChart } from './sbom-size-chart';
import { SbomTable } from './sbom-table';
import { TimelineChart } from './timeline-chart';
import { VerifyReport } from './verify-report';

interface BuildResultsProps {
  build: BuildDetail;
  /** How to check a download (the signing key panel); the route passes it in, since another feature owns it. */
  verifyDownloads?: ReactNode;
}

function verifyEnabled(spec: BuildDetail['spec']): boolean {
  const verify = (spec.spec as { verify?: { enabled?: boolean } } | undefined)?.verify;
  return verify?.enabled !== false;
}

/** What a finished build produced: files, published images, checks, timings and contents. */
export function BuildResults({ build, verifyDownloads }: BuildResultsProps) {
  const sbom = useBuildSbom(build.id, build.state === 'succeeded');
  // a spec that names provider targets gets its downloads and snippets grouped by them
  const providerGroups = groupByProviderTarget(build);
  return (
    <>
      {providerGroups ? (
        <ProviderDownloads build={build} groups={providerGroups} verifyDownloads={verifyDownloads} />
      ) : (
        <>
          <section aria-labelledby="artifacts-heading" className="st-card">
            <h2 id="artifacts-heading">Downloads</h2>
            <ArtifactsTable artifacts={build.artifacts} />
            <PublishedImages images={build.published} />
            {/* every successful build is signed with the server's key: show how to check a download */}
            {build.state === 'succeeded' && verifyDownloads}
          </section>
          {build.state === 'succeeded' && <DropInManifests buildId={build.id} />}
        </>
      )}
      {/* only a build that recorded its sources can be compared with them */}
      {build.state === 'succeeded' && (build.inputs ?? []).some((i) => i.kind === 'apt') && <BuildUpdatesSection buildId={build.id} />}
      {build.state === 'succeeded' && <BuildChannels build={build} />}
      <section aria-labelledby="verify-heading" className="st-card">
        <h2 id="verify-heading">Boot check</h2>
        <CapiBootstrapStatus checks={build.verify} testImage={Boolean(build.testImage)} />
        <VerifyReport checks={build.verify} enabled={verifyEnabled(build.spec)} />
      </section>
      <section aria-labelledby="timeline-heading" className="st-card">
        <h2 id="timeline-heading">Timeline</h2>
        <TimelineChart stages={build.stages} />
      </section>
      {build.state === 'succeeded' && (
        <section aria-labelledby="contents-heading" className="st-card">
          <h2 id="contents-heading">Image contents</h2>
          {sbom.isPending ? (
            <p className="st-muted">Loading the package list…</p>
          ) : sbom.isError ? (
            <p role="alert" className="st-error-text">
              The package list could not be loaded: {sbom.error.message}
            </p>
          ) : sbom.data.length === 0 ? (
            <p className="st-muted">This build recorded no packages.</p>
          ) : (
            <>
              <SbomSizeChart packages={sbom.data} />
              <SbomTable packages={sbom.data} />
            </>
          )}
        </section>
      )}
    </>
  );
}
