import { distroSuites, extraRepositorySuite, releaseDirectory } from './apt-suites';
import { resolveVersions } from './defaults';
import type { SourceKind } from './preflight-api';
import type { NodeImageSpec } from './schema';

export interface SpecSource {
  kind: SourceKind;
  /** The URL a preflight requests: the file the build itself reads first from this source. */
  url: string;
}

export const withSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);

const suiteKinds = { 'distro-main': 'distro-mirror', 'distro-updates': 'distro-updates', 'distro-security': 'distro-security' } as const;

/**
 * Every network source a spec makes the build read, in build order. `hostMirror` is the
 * mirror a Debian build falls back to when the spec names none (the build host's apt),
 * `hostSecurityMirror` the security archive it falls back to.
 */
export function specSources(spec: NodeImageSpec, hostMirror: string | undefined, hostSecurityMirror?: string): SpecSource[] {
  const sources: SpecSource[] = [];
  const mirror = spec.os.mirror ?? hostMirror;
  if (mirror) {
    for (const suite of distroSuites(spec, mirror, hostSecurityMirror)) {
      if (suite.role in suiteKinds) sources.push({ kind: suiteKinds[suite.role as keyof typeof suiteKinds], url: `${releaseDirectory(suite)}InRelease` });
    }
  }
  for (const repo of spec.repositories) {
    sources.push({ kind: 'extra-repository', url: `${releaseDirectory(extraRepositorySuite(repo))}InRelease` });
    if (repo.signingKeyUrl) sources.push({ kind: 'extra-signing-key', url: repo.signingKeyUrl });
  }
  if (spec.runtime.source === 'upstream' && spec.runtime.upstream) {
    sources.push({ kind: 'containerd', url: spec.runtime.upstream.url });
    if (spec.runtime.upstream.runcUrl) sources.push({ kind: 'runc', url: spec.runtime.upstream.runcUrl });
  }
  const source = spec.kubernetes.source;
  if (source.type === 'apt') {
    const versions = resolveVersions(spec);
    // Kubernetes repositories are flat (`deb URL /`): the release file sits at the top
    if (versions.aptRepository) sources.push({ kind: 'kubernetes-apt-repository', url: `${withSlash(versions.aptRepository)}InRelease` });
    if (versions.aptSigningKeyUrl) sources.push({ kind: 'kubernetes-signing-key', url: versions.aptSigningKeyUrl });
  } else {
    for (const name of ['kubelet', 'kubeadm', 'kubectl', 'crictl'] as const) {
      sources.push({ kind: 'kubernetes-binary', url: `${source.baseUrl.replace(/\/+$/, '')}/${name}` });
    }
  }
  return sources;
}
