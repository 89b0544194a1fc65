import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { runProcess } from '../pipeline/exec';
import { STAND_IN_MARKER } from '../pipeline/kubernetes/stand-in';
import { STAND_IN_KUBEADM_CALLS } from '../pipeline/verify/capi-bootstrap';

/**
 * A stand-in for pkgs.k8s.io on 127.0.0.1: a flat apt repository, signed with a
 * throwaway key, whose kubelet/kubeadm/kubectl/cri-tools/kubernetes-cni packages hold
 * tiny executables that answer version queries like the real ones. Lets the slow tests
 * exercise the real apt path (signed-by key, pins, holds) without the internet.
 */
export interface FixtureRelease {
  kubernetes: string;
  crictl: string;
  cni: string;
}

export interface KubernetesAptRepo {
  url: string;
  signingKeyUrl: string;
  dir: string;
  close(): Promise<void>;
}

const REVISION = '1.1';

export interface AptRepoOptions {
  /**
   * Marks the repository (Release Origin and Label) and every package's Description as
   * the Stamper stand-in, so builds from it say they are test images. Off only for the
   * test that shows a repository without the marks is not labelled.
   */
  standIn?: boolean;
}

export async function buildKubernetesAptRepo(dir: string, releases: readonly FixtureRelease[], options: AptRepoOptions = {}): Promise<void> {
  const standIn = options.standIn ?? true;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'stamper-k8s-repo-'));
  try {
    const built = new Set<string>();
    for (const release of releases) {
      const bin = releaseExecutables(release);
      const packages: { name: string; version: string; files: Record<string, string>; depends?: string }[] = [
        { name: 'kubelet', version: release.kubernetes, files: { '/usr/bin/kubelet': bin.kubelet, '/lib/systemd/system/kubelet.service': KUBELET_UNIT } },
        {
          name: 'kubeadm',
          version: release.kubernetes,
          files: { '/usr/bin/kubeadm': bin.kubeadm, '/lib/systemd/system/kubelet.service.d/10-kubeadm.conf': KUBEADM_DROPIN },
          depends: 'kubelet, kubectl, cri-tools, kubernetes-cni',
        },
        { name: 'kubectl', version: release.kubernetes, files: { '/usr/bin/kubectl': bin.kubectl } },
        { name: 'cri-tools', version: release.crictl, files: { '/usr/bin/crictl': bin.crictl } },
        {
          name: 'kubernetes-cni',
          version: release.cni,
          files: {
            '/opt/cni/bin/bridge': script(`echo "CNI bridge plugin v${release.cni}"`),
            '/opt/cni/bin/loopback': script(`echo "CNI loopback plugin v${release.cni}"`),
          },
        },
      ];
      for (const pkg of packages) {
        const id = `${pkg.name}_${pkg.version}`;
        if (built.has(id)) continue;
        built.add(id);
        await buildDeb(work, dir, {
          ...pkg,
          description: standIn ? `${pkg.name} stand-in [${STAND_IN_MARKER}]: a tiny script, not Kubernetes; test images only` : `${pkg.name} test fixture`,
        });
      }
    }
    await signRepository(work, dir, standIn);
    await writeFile(join(dir, FINGERPRINT_FILE), standInFingerprint());
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Every stand-in executable carries the marker in its second line, whether apt installs it
 * from a package or a `binaries` spec downloads it, so a build can tell it from a real one
 * (the pipeline marks the image a test image; the booted Cluster API check names the stand-in).
 */
const script = (body: string): string => `#!/bin/sh\n# ${STAND_IN_MARKER}: a tiny script, not Kubernetes; test images only\n${body}\n`;

const FINGERPRINT_FILE = 'stand-in-fingerprint';

/**
 * Changes whenever the packaged executables change, so a repository built by older code is
 * built again. Taken from a probe release, not the requested ones: suites that share one
 * repository directory with different release lists must agree on it.
 */
function standInFingerprint(): string {
  const probe = releaseExecutables({ kubernetes: '0.0.0', crictl: '0.0.0', cni: '0.0.0' });
  const content = JSON.stringify([probe, KUBELET_UNIT, KUBEADM_DROPIN]);
  return `${createHash('sha256').update(content).digest('hex')}\n`;
}

type ExecutableName = 'kubelet' | 'kubeadm' | 'kubectl' | 'crictl';

/** The release's four executables, faked: they answer version queries like the real ones. */
function releaseExecutables(release: FixtureRelease): Record<ExecutableName, string> {
  return {
    // otherwise idles the way a kubelet waiting for kubeadm would
    kubelet: script(`if [ "$1" = "--version" ]; then echo "Kubernetes v${release.kubernetes}"; exit 0; fi\nexec sleep infinity`),
    kubeadm: script(
      `if [ "$1" = "version" ]; then echo "v${release.kubernetes}"; exit 0; fi\n${KUBEADM_RECORDER}\necho "kubeadm fixture v${release.kubernetes}"`,
    ),
    kubectl: script(
      `case "$1" in version) echo "Client Version: v${release.kubernetes}"; echo "Kustomize Version: v5.7.1";; *) echo "kubectl fixture v${release.kubernetes}";; esac`,
    ),
    crictl: script(`echo "crictl version v${release.crictl}"`),
  };
}

/**
 * Records every other call, with the SHA-256 of the file its --config names, one line each
 * ("<sha256 or -> <args>"), where the boot check's Cluster API bootstrap check reads them
 * (STAND_IN_KUBEADM_CALLS in server/pipeline/verify/capi-bootstrap.ts). Hashing the file
 * proves the stand-in could read the config cloud-init wrote, as a real kubeadm must.
 */
const KUBEADM_RECORDER = [
  'config=""; previous=""',
  'for arg in "$@"; do',
  '  case "$arg" in --config=*) config="${arg#--config=}";; esac',
  '  [ "$previous" = "--config" ] && config="$arg"',
  '  previous="$arg"',
  'done',
  'digest=-',
  '[ -n "$config" ] && digest=$(sha256sum < "$config" | cut -d " " -f 1)',
  `mkdir -p ${dirname(STAND_IN_KUBEADM_CALLS)}`,
  `echo "\${digest:--} $*" >> ${STAND_IN_KUBEADM_CALLS}`,
].join('\n');

const KUBELET_UNIT =
  '[Unit]\nDescription=kubelet: The Kubernetes Node Agent\n\n[Service]\nExecStart=/usr/bin/kubelet\nRestart=always\nRestartSec=10\n\n[Install]\nWantedBy=multi-user.target\n';
const KUBEADM_DROPIN = '[Service]\nEnvironment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"\n';

/**
 * The same executables as plain files in `<repo>/binaries/v<version>/`: a stand-in for the
 * directory a `kubernetes.source.type: binaries` spec points at. Call after the repository
 * is started (starting may rebuild its directory). Returns the path below the repository
 * URL and each file's SHA-256.
 */
export async function writeKubernetesBinaries(repoDir: string, release: FixtureRelease): Promise<{ path: string; sha256: Record<ExecutableName, string> }> {
  const path = `binaries/v${release.kubernetes}/`;
  await mkdir(join(repoDir, path), { recursive: true });
  const sha256 = {} as Record<ExecutableName, string>;
  for (const [name, content] of Object.entries(releaseExecutables(release)) as [ExecutableName, string][]) {
    await writeFile(join(repoDir, path, name), content, { mode: 0o755 });
    sha256[name] = createHash('sha256').update(content).digest('hex');
  }
  return { path, sha256 };
}

async function buildDeb(
  work: string,
  repo: string,
  pkg: { name: string; version: string; files: Record<string, string>; depends?: string; description: string },
): Promise<void> {
  const root = join(work, `${pkg.name}-${pkg.version}`);
  await mkdir(join(root, 'DEBIAN'), { recursive: true });
  for (const [path, content] of Object.entries(pkg.files)) {
    const target = join(root, path);
    await mkdir(join(target, '..'), { recursive: true });
    await writeFile(target, content);
    await chmod(target, path.includes('/bin/') ? 0o755 : 0o644);
  }
  const control = [
    `Package: ${pkg.name}`,
    `Version: ${pkg.version}-${REVISION}`,
    'Architecture: amd64',
    'Maintainer: Stamper tests <tests@stamper.invalid>',
    ...(pkg.depends ? [`Depends: ${pkg.depends}`] : []),
    `Description: ${pkg.description}`,
    '',
  ].join('\n');
  await writeFile(join(root, 'DEBIAN/control'), control);
  await runProcess('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', root, join(repo, `${pkg.name}_${pkg.version}-${REVISION}_amd64.deb`)]);
}

async function signRepository(work: string, repo: string, standIn: boolean): Promise<void> {
  const gnupgHome = join(work, 'gnupg');
  await mkdir(gnupgHome, { mode: 0o700 });
  const env = { GNUPGHOME: gnupgHome };
  await runProcess('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'Stamper test repository <repo@stamper.invalid>', 'ed25519', 'sign', 'never'], {
    env,
  });
  const packages = await runProcess('apt-ftparchive', ['packages', '.'], { cwd: repo, captureStdout: true, env });
  await writeFile(join(repo, 'Packages'), packages.stdout);
  await runProcess('gzip', ['-k', '-f', 'Packages'], { cwd: repo });
  const marks = standIn
    ? ['-o', `APT::FTPArchive::Release::Origin=${STAND_IN_MARKER}`, '-o', 'APT::FTPArchive::Release::Label=Stamper Kubernetes stand-in (test images only)']
    : ['-o', 'APT::FTPArchive::Release::Origin=stamper-test'];
  const release = await runProcess('apt-ftparchive', [...marks, 'release', '.'], { cwd: repo, captureStdout: true, env });
  await writeFile(join(repo, 'Release'), release.stdout);
  await runProcess('gpg', ['--batch', '--yes', '--clearsign', '-o', 'InRelease', 'Release'], { cwd: repo, env });
  await runProcess('gpg', ['--batch', '--yes', '-abs', '-o', 'Release.gpg', 'Release'], { cwd: repo, env });
  await runProcess('gpg', ['--batch', '--yes', '--armor', '--export', '-o', 'Release.key'], { cwd: repo, env });
}

/** Serves `dir` read-only on 127.0.0.1, at an ephemeral port unless one is given. */
export async function serveDirectory(dir: string, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path);
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    stat(file).then(
      (info) => {
        if (!info.isFile()) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-length': info.size });
        if (req.method === 'HEAD') res.end();
        else createReadStream(file).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function startKubernetesAptRepo(
  dir: string,
  releases: readonly FixtureRelease[],
  port = 0,
  options: AptRepoOptions = {},
): Promise<KubernetesAptRepo> {
  const existing = await readdir(dir).catch(() => [] as string[]);
  const wanted = releases.map((r) => `kubelet_${r.kubernetes}-${REVISION}_amd64.deb`);
  // a repository built before the stand-in marks (or with other marks, or other executables) is built again
  const marked = (await readFile(join(dir, 'Release'), 'utf8').catch(() => '')).includes(`Origin: ${STAND_IN_MARKER}`);
  const fingerprint = await readFile(join(dir, FINGERPRINT_FILE), 'utf8').catch(() => '');
  if (
    !existing.includes('InRelease') ||
    !wanted.every((w) => existing.includes(w)) ||
    marked !== (options.standIn ?? true) ||
    fingerprint !== standInFingerprint()
  )
    await buildKubernetesAptRepo(dir, releases, options);
  const served = await serveDirectory(dir, port);
  return { url: served.url, signingKeyUrl: `${served.url}Release.key`, dir, close: served.close };
}
