export interface UpstreamContainerdOfferProps {
  /** Why the distribution's containerd will not do, e.g. "Kubernetes 1.36 needs containerd 2.x (upstream); …". */
  reason: string;
  version: string;
  onAccept: () => void;
}

/** When the chosen Kubernetes needs a newer containerd than the release ships: the way out, one click away. */
export function UpstreamContainerdOffer({ reason, version, onAccept }: UpstreamContainerdOfferProps) {
  return (
    <section className="status status--info upstream-offer" aria-labelledby="upstream-offer-heading">
      <div>
        <h3 id="upstream-offer-heading">The release’s containerd is too old</h3>
        <p>{reason}.</p>
        <p className="field-hint">
          Fills in the containerd project’s official linux-amd64 release tarball and takes its SHA-256 from the .sha256sum file published beside it.
        </p>
        <button type="button" className="button button--primary" onClick={onAccept}>
          Use upstream containerd {version}
        </button>
      </div>
    </section>
  );
}
