import type { DropInManifestsResponse } from '@/spec/providers/manifests/manifests-api';
import { useBuildManifests } from '../api/get-build-manifests';
import { CopyButton } from './copy-button';
import './drop-in-manifests.css';

type DropInManifest = DropInManifestsResponse['manifests'][number];

/** Provider names as users know them. */
export const providerTitles: Record<DropInManifest['target'], string> = {
  vsphere: 'vSphere',
  aws: 'AWS',
  azure: 'Azure',
  gcp: 'Google Cloud',
  openstack: 'OpenStack',
  kubevirt: 'KubeVirt',
  proxmox: 'Proxmox',
};

/** The Cluster API snippets of a succeeded build, one per provider, each with a copy button. */
export function DropInManifests({ buildId }: { buildId: string }) {
  const query = useBuildManifests(buildId);
  return (
    <section aria-labelledby="manifests-heading" className="st-card">
      <h2 id="manifests-heading">Cluster API manifests</h2>
      {query.isPending ? (
        <p className="st-muted">Loading the snippets…</p>
      ) : query.isError ? (
        <p role="alert" className="st-error-text">
          The snippets could not be loaded: {query.error.message}
        </p>
      ) : query.data.manifests.length === 0 ? (
        <p className="st-muted">None of this build’s outputs is an image a Cluster API provider boots from.</p>
      ) : (
        <>
          <p className="st-muted">Paste into your cluster definition; values in {'${…}'} are clusterctl variables.</p>
          {query.data.manifests.map((manifest) => (
            <ManifestSnippet key={manifest.target} manifest={manifest} />
          ))}
        </>
      )}
    </section>
  );
}

/** One snippet; `level` 4 when it sits inside a provider's own section (provider-downloads.tsx). */
export function ManifestSnippet({ manifest, level = 3 }: { manifest: DropInManifest; level?: 3 | 4 }) {
  const title = providerTitles[manifest.target];
  const headingId = `manifest-${manifest.target}`;
  const Heading = level === 3 ? 'h3' : 'h4';
  return (
    <article className="st-manifest" aria-labelledby={headingId}>
      <div className="st-manifest__header">
        <Heading id={headingId}>
          {title} <span className="st-muted">· {manifest.kinds.join(' + ')}</span>
        </Heading>
        <CopyButton value={manifest.yaml} label={`Copy the ${title} manifest`} />
      </div>
      <p className="st-muted">API {manifest.apiVersions.join(', ')}</p>
      {/* focusable: the snippet scrolls, and keyboard users must be able to scroll it */}
      <pre tabIndex={0} aria-label={`${title} manifest`}>
        <code>{manifest.yaml}</code>
      </pre>
      {manifest.notes.length > 0 && (
        <ul>
          {manifest.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </article>
  );
}
