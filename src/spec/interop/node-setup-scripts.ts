import { findRelease } from '../catalog';
import { resolveVersions } from '../defaults';
import type { NodeImage } from '../schema';
import { CRICTL_CONFIG, REQUIRED_KERNEL_MODULES, REQUIRED_SYSCTLS, renderContainerdConfig, renderModulesLoad, renderSysctlConf } from '../node-definition';
import { base64Utf8, shellQuote as q } from './shell-quote';

export interface NodeSetupScript {
  name: string;
  /** bash, run as root with -eu -o pipefail. */
  script: string;
}

/**
 * The node configuration Stamper's pipeline performs, as shell scripts to run on a
 * booted cloud image: the same pinned packages, runtime, kernel settings and
 * customizations, then the same sysprep. Every spec value is shell-quoted.
 */
export function nodeSetupScripts(image: NodeImage): NodeSetupScript[] {
  return [
    { name: 'runtime', script: runtimeScript(image) },
    { name: 'kubernetes', script: kubernetesScript(image) },
    { name: 'node-settings', script: nodeSettingsScript(image) },
    { name: 'customizations', script: customizationsScript(image) },
    { name: 'sysprep', script: sysprepScript(image) },
  ];
}

const apt = 'DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Options::=--force-confold';

function download(url: string, sha256: string, target: string): string {
  return [`curl -fsSL --retry 3 -o ${q(target)} ${q(url)}`, `echo ${q(`${sha256}  ${target}`)} | sha256sum -c -`].join('\n');
}

function runtimeScript(image: NodeImage): string {
  const { runtime } = image.spec;
  const pause = resolveVersions(image.spec).pauseImage;
  const lines = ['apt-get update -q', `${apt} install --no-install-recommends ca-certificates curl gpg iptables conntrack socat ebtables ethtool`];
  if (runtime.source === 'upstream' && runtime.upstream) {
    lines.push(
      "# containerd from the upstream release tarball, checked against the spec's SHA-256",
      download(runtime.upstream.url, runtime.upstream.sha256, '/tmp/containerd.tar.gz'),
      'tar -C /usr/local -xzf /tmp/containerd.tar.gz && rm /tmp/containerd.tar.gz',
      "cat > /etc/systemd/system/containerd.service <<'UNIT'",
      '[Unit]',
      'Description=containerd container runtime',
      'After=network.target local-fs.target',
      '[Service]',
      'ExecStartPre=-/sbin/modprobe overlay',
      'ExecStart=/usr/local/bin/containerd',
      'Type=notify',
      'Delegate=yes',
      'KillMode=process',
      'Restart=always',
      'LimitNOFILE=infinity',
      '[Install]',
      'WantedBy=multi-user.target',
      'UNIT',
    );
    if (runtime.upstream.runcUrl && runtime.upstream.runcSha256) {
      lines.push(
        download(runtime.upstream.runcUrl, runtime.upstream.runcSha256, '/tmp/runc'),
        'install -m 0755 /tmp/runc /usr/local/sbin/runc && rm /tmp/runc',
      );
    } else lines.push(`${apt} install --no-install-recommends runc`);
  } else {
    lines.push(`${apt} install --no-install-recommends containerd runc`);
  }
  const containerdVersion = (runtime.source === 'upstream' ? runtime.version : findRelease(image.spec.os.release)?.containerd) ?? '1.7.0';
  lines.push(
    'install -d -m 0755 /etc/containerd',
    "cat > /etc/containerd/config.toml <<'TOML'",
    renderContainerdConfig({ containerdVersion, systemdCgroup: runtime.systemdCgroup, pauseImage: pause }).replace(/\n$/, ''),
    'TOML',
    "cat > /etc/crictl.yaml <<'YAML'",
    CRICTL_CONFIG.replace(/\n$/, ''),
    'YAML',
    'systemctl daemon-reload',
    'systemctl enable containerd',
  );
  return lines.join('\n');
}

function kubernetesScript(image: NodeImage): string {
  const versions = resolveVersions(image.spec);
  const source = image.spec.kubernetes.source;
  if (source.type === 'apt' && versions.aptRepository && versions.aptSigningKeyUrl) {
    // Any Debian revision of the pinned upstream version, as the pipeline installs them.
    const pin = (pkg: string, version: string) => `${q(`${pkg}=${version}-*`)}`;
    return [
      'install -d -m 0755 /etc/apt/keyrings',
      `curl -fsSL --retry 3 ${q(versions.aptSigningKeyUrl)} | gpg --dearmor --yes -o /etc/apt/keyrings/kubernetes.gpg`,
      `echo ${q(`deb [signed-by=/etc/apt/keyrings/kubernetes.gpg] ${versions.aptRepository} /`)} > /etc/apt/sources.list.d/kubernetes.list`,
      'apt-get update -q',
      `${apt} install --no-install-recommends ${[
        pin('kubelet', versions.kubernetes),
        pin('kubeadm', versions.kubernetes),
        pin('kubectl', versions.kubernetes),
        pin('cri-tools', versions.crictl),
        pin('kubernetes-cni', versions.cni),
      ].join(' ')}`,
      'apt-mark hold kubelet kubeadm kubectl cri-tools kubernetes-cni',
    ].join('\n');
  }
  if (source.type !== 'binaries') return '';
  const base = source.baseUrl.replace(/\/?$/, '/');
  const lines = ["# Kubernetes binaries by URL, each checked against the spec's SHA-256"];
  for (const binary of ['kubelet', 'kubeadm', 'kubectl', 'crictl'] as const) {
    lines.push(
      download(`${base}${binary}`, source.sha256[binary], `/tmp/${binary}`),
      `install -m 0755 /tmp/${binary} /usr/local/bin/${binary} && rm /tmp/${binary}`,
    );
  }
  lines.push(
    `curl -fsSL --retry 3 -o /tmp/cni.tgz ${q(`https://github.com/containernetworking/plugins/releases/download/v${versions.cni}/cni-plugins-linux-amd64-v${versions.cni}.tgz`)}`,
    `curl -fsSL --retry 3 ${q(`https://github.com/containernetworking/plugins/releases/download/v${versions.cni}/cni-plugins-linux-amd64-v${versions.cni}.tgz.sha256`)} | sed 's#  .*#  /tmp/cni.tgz#' | sha256sum -c -`,
    'install -d /opt/cni/bin && tar -C /opt/cni/bin -xzf /tmp/cni.tgz && rm /tmp/cni.tgz',
    "cat > /etc/systemd/system/kubelet.service <<'UNIT'",
    '[Unit]',
    'Description=kubelet: The Kubernetes Node Agent',
    'Wants=network-online.target',
    'After=network-online.target',
    '[Service]',
    'ExecStart=/usr/local/bin/kubelet',
    'Restart=always',
    'StartLimitInterval=0',
    'RestartSec=10',
    '[Install]',
    'WantedBy=multi-user.target',
    'UNIT',
    'install -d /etc/systemd/system/kubelet.service.d',
    "cat > /etc/systemd/system/kubelet.service.d/10-kubeadm.conf <<'UNIT'",
    '[Service]',
    'Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"',
    'Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"',
    'EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env',
    'ExecStart=',
    'ExecStart=/usr/local/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS',
    'UNIT',
    'systemctl daemon-reload',
  );
  return lines.join('\n');
}

function nodeSettingsScript(image: NodeImage): string {
  const { spec } = image;
  // The configure stage's files, paths and renderers exactly (see node-definition.test via node-setup-scripts.test).
  const files: [string, string][] = [
    ['/etc/modules-load.d/kubernetes.conf', renderModulesLoad(REQUIRED_KERNEL_MODULES)],
    ['/etc/sysctl.d/99-kubernetes-cri.conf', renderSysctlConf(REQUIRED_SYSCTLS)],
    ...(spec.kernelModules.length > 0 ? [['/etc/modules-load.d/stamper-user.conf', renderModulesLoad(spec.kernelModules)] as [string, string]] : []),
    ...(Object.keys(spec.sysctl).length > 0 ? [['/etc/sysctl.d/99-stamper-user.conf', renderSysctlConf(spec.sysctl)] as [string, string]] : []),
  ];
  const lines = [
    ...files.flatMap(([path, content]) => [`cat > ${path} <<'CONF'`, content.replace(/\n$/, ''), 'CONF']),
    '# kubelet refuses to run with swap on',
    'swapoff -a',
    "sed -i '/\\sswap\\s/d' /etc/fstab",
    'systemctl enable kubelet',
  ];
  if (spec.packages.length > 0) lines.push(`${apt} install --no-install-recommends ${spec.packages.map(q).join(' ')}`);
  return lines.join('\n');
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
