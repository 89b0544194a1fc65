/**
 * Serves a signed stand-in for the Kubernetes apt repository on 127.0.0.1, for build
 * hosts that cannot reach pkgs.k8s.io (this project's CI reaches only Debian's mirror
 * and npm). Its kubelet/kubeadm/kubectl/cri-tools/kubernetes-cni packages install tiny
 * executables that report the catalog's versions: the image boots and passes every
 * check, but it is a test image, not a working Kubernetes node, and the repository's
 * Release Origin/Label and each package's Description say so, for the build to report.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { kubernetesMinors } from '../src/spec/catalog.ts';
import { startKubernetesAptRepo } from '../server/stand-in/kubernetes-apt-repo.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8079' },
    dir: { type: 'string', default: '.stamper/kubernetes-stand-in' },
  },
});

const port = Number.parseInt(values.port, 10);
if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  process.stderr.write(`kubernetes-stand-in: --port must be 1-65535, not "${values.port}"\n`);
  process.exit(2);
}

const releases = kubernetesMinors.map((m) => ({ kubernetes: m.defaultVersion, crictl: m.crictlVersion, cni: m.cniVersion }));
const repo = await startKubernetesAptRepo(resolve(values.dir), releases, port);
process.stdout.write(
  `Kubernetes apt stand-in serving ${releases.map((r) => r.kubernetes).join(', ')}\n` +
    `  repository:  ${repo.url}\n  signing key: ${repo.signingKeyUrl}\n` +
    'Its packages are marked as stand-ins: images built from it are labelled test images, not working nodes.\n' +
    `Build hosts refuse loopback sources unless allowed: STAMPER_ALLOW_LOOPBACK_SOURCES=1 (and STAMPER_STAND_IN_URL=${repo.url} for the designer to offer it).\n` +
    'Press Ctrl-C to stop.\n',
);
const stop = (): void => {
  void repo.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
