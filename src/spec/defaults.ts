import { findKubernetesMinor, kubernetesMinorOf, defaultKubernetesAptRepository, defaultKubernetesSigningKeyUrl } from './catalog';
import { API_VERSION, KIND, nodeImageSchema, type NodeImage, type NodeImageSpec } from './schema';

/** A new spec as the designer starts it: every default applied. */
export function newNodeImage(name = 'my-node-image'): NodeImage {
  return nodeImageSchema.parse({ apiVersion: API_VERSION, kind: KIND, metadata: { name }, spec: {} });
}

/** Versions the pipeline needs that the spec may leave to the catalog. */
export interface ResolvedVersions {
  kubernetes: string;
  kubernetesMinor: string;
  cni: string;
  crictl: string;
  pauseImage: string;
  aptRepository: string | null;
  aptSigningKeyUrl: string | null;
}

/** Only the Kubernetes part decides these, so callers with just that part can ask too. */
export function resolveVersions(spec: Pick<NodeImageSpec, 'kubernetes'>): ResolvedVersions {
  const minor = findKubernetesMinor(spec.kubernetes.version);
  if (!minor) throw new Error(`Kubernetes ${spec.kubernetes.version} is not in the catalog`);
  const source = spec.kubernetes.source;
  const minorId = kubernetesMinorOf(spec.kubernetes.version);
  return {
    kubernetes: spec.kubernetes.version,
    kubernetesMinor: minorId,
    cni: spec.kubernetes.cniVersion ?? minor.cniVersion,
    crictl: spec.kubernetes.crictlVersion ?? minor.crictlVersion,
    pauseImage: minor.pauseImage,
    aptRepository: source.type === 'apt' ? (source.repository ?? defaultKubernetesAptRepository(minorId)) : null,
    aptSigningKeyUrl:
      source.type === 'apt'
        ? (source.signingKeyUrl ?? (source.repository ? `${source.repository.replace(/\/?$/, '/')}Release.key` : defaultKubernetesSigningKeyUrl(minorId)))
        : null,
  };
}
