import { findRelease } from '../catalog';
import { resolveVersions } from '../defaults';
import { NODE_SERVICES, containerdVersionFor } from '../node-definition';
import { kubernetesNodeFiles, nodeSettingsFiles, runtimeNodeFiles } from '../node-files';
import {
  CNI_PLUGINS_DIR,
  CNI_PLUGINS_PACKAGE,
  HELD_PACKAGES,
  KUBEADM_HOST_PACKAGES,
  KUBERNETES_BINARIES,
  KUBERNETES_BINARY_DIR,
  KUBERNETES_KEYRING_PATH,
  kubernetesPackagePins,
} from '../node-kubernetes';
import type { NodeImage } from '../schema';
import { fileSteps, renderSteps, runSteps, type SetupStep } from './setup-steps';
import { base64Utf8, shellQuote as q } from './shell-quote';

export interface NodeSetupScript {
  name: string;
  /** bash, run as root with -eu -o pipefail. */
  script: string;
}

interface NodeSetupSection {
  name: string;
  steps: SetupStep[];
}

/**
 * The node configuration Stamper's pipeline performs, as shell scripts to run on a
 * booted cloud image: the same pinned packages, runtime, node files (rendered from the
 * node definition in src/spec, as the pipeline's stages write them), customizations,
 * then the same sysprep. Every spec value is shell-quoted.
 */
export function nodeSetupScripts(image: NodeImage): NodeSetupScript[] {
  return nodeSetupSections(image).map(({ name, steps }) => ({ name, script: renderSteps(steps) }));
}

/**
 * Only the file-writing steps of those scripts, writing under `root`: what a test runs
 * against a scratch directory to compare with the files the configure stage writes.
 */
export function nodeFileWritesScript(image: NodeImage, root: string): string {
  return nodeSetupSections(image)
    .map(({ steps }) =>
      renderSteps(
        steps.filter((step) => 'file' in step),
        root,
      ),
    )
    .filter((script) => script.length > 0)
    .join('\n');
}

function nodeSetupSections(image: NodeImage): NodeSetupSection[] {
  return [
    { name: 'runtime', steps: runtimeSteps(image) },
    { name: 'kubernetes', steps: kubernetesSteps(image) },
    { name: 'node-settings', steps: nodeSettingsSteps(image) },
    { name: 'customizations', steps: runSteps(customizationsScript(image)) },
    { name: 'sysprep', steps: runSteps(sysprepScript(image)) },
  ];
}

const apt = 'DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Options::=--force-confold';

function download(url: string, sha256: string, target: string): string {
  return [`curl -fsSL --retry 3 -o ${q(target)} ${q(url)}`, `echo ${q(`${sha256}  ${target}`)} | sha256sum -c -`].join('\n');
}

function runtimeSteps(image: NodeImage): SetupStep[] {
  const { runtime } = image.spec;
  const steps = runSteps('apt-get update -q', `${apt} install --no-install-recommends ca-certificates curl gpg ${KUBEADM_HOST_PACKAGES.join(' ')}`);
  if (runtime.source !== 'upstream' || !runtime.upstream) return [...steps, ...runSteps(`${apt} install --no-install-recommends containerd runc`)];
  const upstream = runtime.upstream;
  steps.push(
    ...runSteps(
      "# containerd from the upstream release tarball, checked against the spec's SHA-256",
      download(upstream.url, upstream.sha256, '/tmp/containerd.tar.gz'),
      'tar -C /usr/local -xzf /tmp/containerd.tar.gz && rm /tmp/containerd.tar.gz',
    ),
    ...fileSteps(runtimeNodeFiles(image.spec)),
    ...(upstream.runcUrl && upstream.runcSha256
      ? runSteps(download(upstream.runcUrl, upstream.runcSha256, '/tmp/runc'), 'install -m 0755 /tmp/runc /usr/local/sbin/runc && rm /tmp/runc')
      : runSteps(`${apt} install --no-install-recommends runc`)),
  );
  return steps;
}

function kubernetesSteps(image: NodeImage): SetupStep[] {
  const versions = resolveVersions(image.spec);
  const source = image.spec.kubernetes.source;
  if (source.type === 'apt') {
    if (!versions.aptSigningKeyUrl) throw new Error('apt source without a signing key');
    return [
      ...runSteps(
        `install -d -m 0755 ${q(KUBERNETES_KEYRING_PATH.slice(0, KUBERNETES_KEYRING_PATH.lastIndexOf('/')))}`,
        `curl -fsSL --retry 3 ${q(versions.aptSigningKeyUrl)} | gpg --dearmor --yes -o ${q(KUBERNETES_KEYRING_PATH)}`,
      ),
      ...fileSteps(kubernetesNodeFiles(image.spec)),
      // Any Debian revision of the pinned upstream version, as the pipeline installs them.
      ...runSteps(
        'apt-get update -q',
        `${apt} install --no-install-recommends ${kubernetesPackagePins(versions).map(q).join(' ')}`,
        `apt-mark hold ${HELD_PACKAGES.join(' ')}`,
      ),
    ];
  }
  const base = source.baseUrl.replace(/\/?$/, '/');
  const steps = runSteps("# Kubernetes binaries by URL, each checked against the spec's SHA-256, where the packages would put them");
  for (const binary of KUBERNETES_BINARIES) {
    steps.push(
      ...runSteps(
        download(`${base}${binary}`, source.sha256[binary], `/tmp/${binary}`),
        `install -m 0755 /tmp/${binary} ${KUBERNETES_BINARY_DIR}/${binary} && rm /tmp/${binary}`,
      ),
    );
  }
  steps.push(
    ...runSteps(
      `${apt} install --no-install-recommends ${CNI_PLUGINS_PACKAGE}`,
      '# kubelet and containerd look for CNI plugins in /opt/cni/bin; the distro package installs them elsewhere',
      `install -d /opt/cni && rm -rf /opt/cni/bin && ln -s ${CNI_PLUGINS_DIR} /opt/cni/bin`,
    ),
    ...fileSteps(kubernetesNodeFiles(image.spec)),
  );
  return steps;
}

function nodeSettingsSteps(image: NodeImage): SetupStep[] {
  const { spec } = image;
  return [
    ...fileSteps(nodeSettingsFiles(spec, { containerdVersion: containerdVersionFor(spec) })),
    ...runSteps(
      '# kubelet refuses to run with swap on',
      'swapoff -a',
      "sed -i '/\\sswap\\s/d' /etc/fstab",
      'systemctl daemon-reload',
      `systemctl enable ${NODE_SERVICES.map(q).join(' ')}`,
      ...(spec.packages.length > 0 ? [`${apt} install --no-install-recommends ${spec.packages.map(q).join(' ')}`] : []),
    ),
  ];
}

function customizationsScript(image: NodeImage): string {
  const { spec } = image;
  const lines: string[] = [];
  for (const user of spec.users) {
    const groups = user.groups.length > 0 ? ` -G ${q(user.groups.join(','))}` : '';
    for (const group of user.groups) lines.push(`getent group ${q(group)} >/dev/null || groupadd ${q(group)}`);
    lines.push(`id -u ${q(user.name)} >/dev/null 2>&1 || useradd -m -s ${q(user.shell)}${groups} ${q(user.name)}`);
    if (user.passwordHash) lines.push(`usermod -p ${q(user.passwordHash)} ${q(user.name)}`);
    if (user.sudo)
      lines.push(
        `echo ${q(`${user.name} ALL=(ALL) NOPASSWD:ALL`)} > ${q(`/etc/sudoers.d/90-stamper-${user.name}`)} && chmod 0440 ${q(`/etc/sudoers.d/90-stamper-${user.name}`)}`,
      );
    if (user.sshAuthorizedKeys.length > 0) {
      const home = `/home/${user.name}`;
      lines.push(
        `install -d -m 0700 -o ${q(user.name)} -g ${q(user.name)} ${q(`${home}/.ssh`)}`,
        `printf '%s\\n' ${user.sshAuthorizedKeys.map(q).join(' ')} > ${q(`${home}/.ssh/authorized_keys`)}`,
        `chown ${q(`${user.name}:${user.name}`)} ${q(`${home}/.ssh/authorized_keys`)} && chmod 0600 ${q(`${home}/.ssh/authorized_keys`)}`,
      );
    }
  }
  for (const file of spec.files) {
    lines.push(
      `install -d -m 0755 "$(dirname ${q(file.path)})"`,
      `echo ${q(base64Utf8(file.content))} | base64 -d > ${q(file.path)}`,
      `chmod ${q(file.mode)} ${q(file.path)} && chown ${q(file.owner)} ${q(file.path)}`,
    );
  }
  for (const unit of spec.services.enable) lines.push(`systemctl enable ${q(unit)}`);
  for (const unit of spec.services.disable) lines.push(`systemctl disable ${q(unit)}`);
  if (spec.kernelArgs.length > 0) {
    lines.push(
      'install -d /etc/default/grub.d',
      `echo ${q(`GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX ${spec.kernelArgs.join(' ')}"`)} > /etc/default/grub.d/90-stamper.cfg`,
      'update-grub',
    );
  }
  return lines.length > 0 ? lines.join('\n') : 'true # no customizations in the spec';
}

function sysprepScript(image: NodeImage): string {
  const release = findRelease(image.spec.os.release);
  return [
    `printf '%s\\n' ${q(`NAME=${image.metadata.name}`)} ${q(`KUBERNETES_VERSION=${image.spec.kubernetes.version}`)} ${q(`OS=${release?.title ?? image.spec.os.release}`)} 'BUILT_BY=packer template exported by Stamper' > /etc/stamper-release`,
    'apt-get clean',
    'rm -rf /var/lib/apt/lists/*',
    '# every node gets its own identity on first boot',
    'cloud-init clean --logs --seed || true',
    'truncate -s 0 /etc/machine-id',
    'rm -f /var/lib/dbus/machine-id /etc/ssh/ssh_host_*',
    '# the build user keeps no password in the image',
    'passwd -d "$BUILD_USER" && usermod -L "$BUILD_USER"',
    'sync',
  ].join('\n');
}
