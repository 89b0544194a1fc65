import type { ReactNode } from 'react';
import type { BuildDetail } from '@/spec/build-api';
import { useBuildManifests } from '../api/get-build-manifests';
import { type ProviderGroup, type ProviderGroups, groupByProviderTarget } from '../lib/provider-groups';
import { ArtifactsTable } from './artifacts-table';
import { ManifestSnippet } from './drop-in-manifests';
import { PublishedImages } from './published-images';
import './drop-in-manifests.css';

interface ProviderDownloadsProps {
  build: BuildDetail;
  groups: ProviderGroups;
  verifyDownloads?: ReactNode;
}

/**
 * The Downloads card of a build whose spec names provider targets: one section per target
 * with its files (and their SHA-256), what was published for it, and its Cluster API
 * snippet with a copy button; then the files and snippets no target owns.
 */
export function ProviderDownloads({ build, groups, verifyDownloads }: ProviderDownloadsProps) {
  const succeeded = build.state === 'succeeded';
  const manifests = useBuildManifests(build.id, succeeded);
  const grouped = manifests.data ? (groupByProviderTarget(build, manifests.data.manifests) ?? groups) : groups;
  const snippets: SnippetState = !succeeded ? 'not-yet' : manifests.isPending ? 'loading' : manifests.isError ? 'failed' : 'ready';
  return (
    <section aria-labelledby="artifacts-heading" className="st-card">
      <h2 id="artifacts-heading">Downloads</h2>
      <p className="st-muted">By where the nodes run: each provider’s files and its Cluster API snippet. Values in {'${…}'} are clusterctl variables.</p>
      {snippets === 'failed' && (
        <p role="alert" className="st-error-text">
          The snippets could not be loaded: {manifests.error?.message}
        </p>
      )}
      {grouped.groups.map((group) => (
        <ProviderSection key={group.target.id} group={group} snippets={snippets} />
      ))}
      {(grouped.otherArtifacts.length > 0 || grouped.otherPublished.length > 0) && (
        <section aria-labelledby="other-files-heading" className="st-provider-downloads">
          <h3 id="other-files-heading">Other files</h3>
          <p className="st-muted">The image’s package list, the checksums and their signature: the same for every provider.</p>
          {grouped.otherArtifacts.length > 0 && <ArtifactsTable artifacts={grouped.otherArtifacts} caption="Other files" />}
          <PublishedImages images={grouped.otherPublished} />
        </section>
      )}
      {grouped.otherManifests.length > 0 && (
        <section aria-labelledby="other-snippets-heading" className="st-provider-downloads">
          <h3 id="other-snippets-heading">Other Cluster API snippets</h3>
          <p className="st-muted">Providers the spec did not name that boot a file this build wrote.</p>
          {grouped.otherManifests.map((manifest) => (
            <ManifestSnippet key={manifest.target} manifest={manifest} level={4} />
          ))}
        </section>
      )}
      {succeeded && verifyDownloads}
    </section>
  );
}

type SnippetState = 'not-yet' | 'loading' | 'failed' | 'ready';

function ProviderSection({ group, snippets }: { group: ProviderGroup; snippets: SnippetState }) {
  const { target } = group;
  const headingId = `provider-${target.id}`;
  return (
    <section aria-labelledby={headingId} className="st-provider-downloads">
      <h3 id={headingId}>{target.title}</h3>
      <p className="st-muted">{target.adds}</p>
      {group.artifacts.length > 0 ? (
        <ArtifactsTable artifacts={group.artifacts} caption={`Files for ${target.title}`} />
      ) : (
        group.published.length === 0 && <p className="st-muted">No file yet.</p>
      )}
      <PublishedImages images={group.published} />
      {snippets === 'loading' && <p className="st-muted">Loading the snippet…</p>}
      {snippets === 'ready' &&
        (group.manifest ? (
          <ManifestSnippet manifest={group.manifest} level={4} />
        ) : (
          <p className="st-muted">No Cluster API snippet: Stamper knows no infrastructure provider template for {target.title} to fill in.</p>
        ))}
    </section>
  );
}
