import { describe, expect, it } from 'vitest';
import { REQUIRED_SYSCTLS, containerdVersionFor, renderContainerdConfig, renderModulesLoad, renderSysctlConf } from './node-definition';
import { nodeImageSchema } from './schema';
import { minimalInput } from './test-specs';

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

describe('containerdVersionFor', () => {
  it("prefers an upstream tarball's version, then the installed package, then the catalog's", () => {
    const distro = nodeImageSchema.parse(minimalInput({})).spec;
    const upstream = nodeImageSchema.parse(
      minimalInput({ runtime: { source: 'upstream', version: '2.1.0', upstream: { url: 'https://example.test/c.tgz', sha256: 'a'.repeat(64) } } }),
    ).spec;
    expect(containerdVersionFor(upstream, '1.7.24')).toBe('2.1.0');
    expect(containerdVersionFor(distro, '1.7.24~ds1-6')).toBe('1.7.24~ds1-6');
    expect(containerdVersionFor(distro)).toMatch(/^[12]\.\d+/);
  });
});
