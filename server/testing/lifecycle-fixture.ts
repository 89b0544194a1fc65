import { startSignedAptRepo, type SignedAptRepo } from '../stand-in/signed-apt-repo.ts';

/**
 * A release (trixie, -updates, -security) and an extra repository with a stable and a
 * security suite, all in one signed repository on loopback, holding version 1 of a small
 * package: the world a lifecycle test watches move on.
 */
export interface LifecycleWorld {
  repo: SignedAptRepo;
  spec(name?: string): string;
  /**
   * Publishes version 2 of the fixture package in the repository's security suite.
   * `breaksBoot`: a fix whose image fails its boot check (the scripted build knows the version by its suffix).
   */
  publishSecurityFix(options?: { breaksBoot?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export const FIXTURE_PACKAGE = 'stamper-fixture';
/** The kernel the world's images boot: the release serves it, no suite updates it. */
export const FIXTURE_KERNEL = 'linux-image-6.12.57+deb13-amd64';
/** A fixture version with this suffix stands for a fix that stops the node from booting. */
export const BREAKS_BOOT_SUFFIX = '+breaks-boot';

export async function startLifecycleWorld(): Promise<LifecycleWorld> {
  const repo = await startSignedAptRepo();
  await repo.publish('trixie', [
    { name: 'base-files', version: '13.8' },
    { name: FIXTURE_KERNEL, version: '6.12.57-1' },
  ]);
  await repo.publish('trixie-updates', []);
  await repo.publish('trixie-security', [], { label: 'Stamper fixture Security' });
  await repo.publish('stable', [{ name: FIXTURE_PACKAGE, version: '1.0-1' }]);
  await repo.publish('stable-security', [], { label: 'Stamper fixture Security' });
  const key = (await repo.armoredKey())
    .trim()
    .split('\n')
    .map((line) => `        ${line}`)
    .join('\n');
  const sha = (c: string) => c.repeat(64);
  return {
    repo,
    spec: (name = 'workers') => `apiVersion: stamper/v1alpha1
kind: NodeImage
metadata:
  name: ${name}
  labels:
    scenario: lifecycle
spec:
  os:
    release: trixie
    mirror: ${repo.url}
    securityMirror: ${repo.url}
  kubernetes:
    version: 1.35.3
    source:
      type: binaries
      baseUrl: ${repo.url}binaries/
      sha256: { kubelet: ${sha('a')}, kubeadm: ${sha('b')}, kubectl: ${sha('c')}, crictl: ${sha('d')} }
  packages: [${FIXTURE_PACKAGE}]
  repositories:
    - name: fixture
      url: ${repo.url}
      suite: stable
      signingKey: |
${key}
    - name: fixture-security
      url: ${repo.url}
      suite: stable-security
      signingKeyUrl: ${repo.signingKeyUrl}
  outputs:
    - format: raw
  verify:
    enabled: false
`,
    publishSecurityFix: async ({ breaksBoot = false } = {}) => {
      const version = breaksBoot ? `2.0-1${BREAKS_BOOT_SUFFIX}` : '2.0-1';
      await repo.publish('stable-security', [{ name: FIXTURE_PACKAGE, version }], { label: 'Stamper fixture Security' });
      await repo.publish('trixie-security', [{ name: 'base-files', version: '13.8+deb13u1' }], { label: 'Stamper fixture Security' });
    },
    close: () => repo.close(),
  };
}
