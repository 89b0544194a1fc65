import { CAPI_BOOTSTRAP_CHECK, CAPI_BOOTSTRAP_TITLE } from '@/spec/capi-bootstrap-check';
import type { VerifyCheck } from '@/spec/build-events';

/**
 * The Cluster API bootstrap check on its own line: whether the image accepted user-data
 * shaped like the kubeadm bootstrap provider's (join config written, `kubeadm join --config`
 * run on it, sentinel file written). Nothing shows for builds from before the check existed.
 */
export function CapiBootstrapStatus({ checks, testImage }: { checks: readonly VerifyCheck[]; testImage: boolean }) {
  const check = checks.find((c) => c.name === CAPI_BOOTSTRAP_CHECK);
  if (!check) return null;
  // the guest names the kubeadm it found; stand-in binaries fetched by URL do not make a test image
  const standIn = testImage || check.detail.includes('kubeadm stand-in');
  return (
    <div role="group" aria-label={CAPI_BOOTSTRAP_TITLE}>
      <p className={check.ok ? 'st-check--ok' : 'st-check--failed'}>
        <span aria-hidden="true">{check.ok ? '✓' : '✕'}</span>{' '}
        <strong>
          {CAPI_BOOTSTRAP_TITLE}: {check.ok ? 'passed' : 'failed'}
        </strong>
      </p>
      <p className="st-muted">
        The boot fed the image cloud-init user-data shaped like what the kubeadm bootstrap provider writes for a joining node, and checked that the join config
        was written, that <code>kubeadm join --config</code> ran on it and that{' '}
        {standIn ? (
          <>
            the sentinel <code>/run/cluster-api/bootstrap-success.complete</code> followed. kubeadm here is the stand-in: it records its call and succeeds.
          </>
        ) : (
          <>it failed for want of a control plane, leaving no sentinel file, as it must.</>
        )}
      </p>
      <p className="st-muted">{check.detail}</p>
    </div>
  );
}
