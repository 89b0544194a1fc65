import { describe, expect, it } from 'vitest';
import { REQUIRED_SYSCTLS, renderContainerdConfig, renderModulesLoad, renderStamperRelease, renderSysctlConf } from './node-config';

describe('sysctl and module files', () => {
  it('renders kubeadm bridge and forwarding sysctls', () => {
    expect(renderSysctlConf(REQUIRED_SYSCTLS)).toBe(
      'net.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\nnet.ipv4.ip_forward = 1\n',
    );
  });

  it('refuses values that would add lines', () => {
    expect(() => renderSysctlConf({ 'vm.swappiness': '1\nkernel.panic = 1' })).toThrow();
  });

  it('lists modules once each', () => {
    expect(renderModulesLoad(['overlay', 'br_netfilter', 'overlay'])).toBe('overlay\nbr_netfilter\n');
  });
});

describe('renderContainerdConfig', () => {
  it('writes the version 2 CRI layout for containerd 1.x with systemd cgroups and the pause image', () => {
    const toml = renderContainerdConfig({ containerdVersion: '1.7.24~ds1-6', systemdCgroup: true, pauseImage: 'registry.k8s.io/pause:3.10.1' });
    expect(toml).toMatch(/^version = 2\n/);
    expect(toml).toContain('sandbox_image = "registry.k8s.io/pause:3.10.1"');
    expect(toml).toContain('[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true');
  });

  it('writes the version 3 layout for containerd 2.x', () => {
    const toml = renderContainerdConfig({ containerdVersion: '2.1.4', systemdCgroup: false, pauseImage: 'registry.k8s.io/pause:3.10.1' });
    expect(toml).toMatch(/^version = 3\n/);
    expect(toml).toContain('[plugins.\'io.containerd.cri.v1.images\'.pinned_images]\n  sandbox = "registry.k8s.io/pause:3.10.1"');
    expect(toml).toContain('SystemdCgroup = false');
    expect(toml).not.toContain('io.containerd.grpc.v1.cri');
  });
});

describe('renderStamperRelease', () => {
  it('single-quotes values so the file is safe to source', () => {
    const text = renderStamperRelease({
      buildKey: 'abc',
      specName: "it's",
      os: 'debian trixie',
      kubernetesVersion: '1.35.3',
      containerdVersion: '1.7.24',
      buildDate: '2026-01-01T00:00:00Z',
    });
    expect(text).toContain("STAMPER_BUILD_KEY='abc'\n");
    expect(text).toContain("STAMPER_SPEC_NAME='it'\\''s'\n");
    expect(text).toContain("STAMPER_KUBERNETES_VERSION='1.35.3'\n");
  });
});
