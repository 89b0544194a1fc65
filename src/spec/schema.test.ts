import { describe, expect, it } from 'vitest';
import { newNodeImage } from './defaults';
import { nodeImageSchema } from './schema';
import { minimalInput } from './test-specs';
import { formatPath } from './validation-error';

function issuesOf(input: unknown): { path: string; message: string }[] {
  const result = nodeImageSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ path: formatPath(i.path.filter((p): p is string | number => typeof p !== 'symbol')), message: i.message }));
}

function expectRejected(spec: Parameters<typeof minimalInput>[0], path: string, messagePart: string) {
  const issues = issuesOf(minimalInput(spec));
  expect(issues, JSON.stringify(issues)).toContainEqual(expect.objectContaining({ path, message: expect.stringContaining(messagePart) }));
}

describe('nodeImageSchema defaults', () => {
  it('fills a minimal spec with Debian 13, distro containerd, a paired Kubernetes and OVA + qcow2', () => {
    const image = newNodeImage('edge');
    expect(image.spec.os).toEqual({ distro: 'debian', release: 'trixie', arch: 'amd64' });
    expect(image.spec.runtime.source).toBe('distro');
    expect(image.spec.runtime.systemdCgroup).toBe(true);
    expect(image.spec.kubernetes.version).toMatch(/^1\.35\.\d+$/);
    expect(image.spec.outputs.map((o) => o.format)).toEqual(['ova', 'qcow2']);
    expect(image.spec.verify).toEqual({ enabled: true, timeoutSeconds: 600 });
  });

  it('rejects a wrong apiVersion or kind', () => {
    expect(issuesOf({ ...minimalInput(), apiVersion: 'v1' })).toContainEqual(expect.objectContaining({ path: 'apiVersion' }));
    expect(issuesOf({ ...minimalInput(), kind: 'Pod' })).toContainEqual(expect.objectContaining({ path: 'kind' }));
  });

  it('rejects unknown fields instead of ignoring them', () => {
    expect(issuesOf(minimalInput({ os: { release: 'trixie', flavour: 'x' } as never }))).toContainEqual(expect.objectContaining({ path: 'spec.os' }));
  });
});

describe('input rules', () => {
  it.each([
    ['containerd', true],
    ['linux-image-6.1.0-9-amd64', true],
    ['g++', true],
    ['htop=3.2.2-2', true],
    ['libc6=1:2.36-9+deb12u4', true],
    ['Htop', false],
    ['-rf', false],
    ['vim;reboot', false],
    ['a', false],
    ['htop=latest', false],
    ['htop=1=2', false],
    ['htop $(id)', false],
  ])('package %s accepted: %s', (pkg, ok) => {
    const issues = issuesOf(minimalInput({ packages: [pkg] }));
    expect(issues.some((i) => i.path === 'spec.packages[0]')).toBe(!ok);
  });

  it('bounds the number of packages', () => {
    expectRejected({ packages: Array.from({ length: 201 }, (_, i) => `pkg${i}`) }, 'spec.packages', '200');
  });

  it.each([
    ['ops', true],
    ['_svc', true],
    ['deploy-bot_1', true],
    ['root', false],
    ['Ops', false],
    ['1ops', false],
    ['ops user', false],
    ['a'.repeat(33), false],
  ])('user name %s accepted: %s', (name, ok) => {
    const issues = issuesOf(minimalInput({ users: [{ name }] }));
    expect(issues.some((i) => i.path === 'spec.users[0].name')).toBe(!ok);
  });

  it('accepts OpenSSH keys and rejects anything that could add a second line or option', () => {
    const good = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@laptop';
    expect(issuesOf(minimalInput({ users: [{ name: 'ops', sshAuthorizedKeys: [good] }] }))).toEqual([]);
    expectRejected({ users: [{ name: 'ops', sshAuthorizedKeys: [`${good}\nssh-rsa AAAA evil`] }] }, 'spec.users[0].sshAuthorizedKeys[0]', 'OpenSSH');
    expectRejected({ users: [{ name: 'ops', sshAuthorizedKeys: [`command="sh" ${good}`] }] }, 'spec.users[0].sshAuthorizedKeys[0]', 'OpenSSH');
  });

  it('takes password hashes, never clear text', () => {
    expect(issuesOf(minimalInput({ users: [{ name: 'ops', passwordHash: '$6$saltsalt$abcdefghijklmnopqrstuv./' }] }))).toEqual([]);
    expectRejected({ users: [{ name: 'ops', passwordHash: 'hunter2' }] }, 'spec.users[0].passwordHash', 'crypt(3)');
  });

  it.each([
    ['/etc/motd', null],
    ['/opt/app/config.yaml', null],
    ['etc/motd', 'absolute'],
    ['/etc/../root/.ssh/authorized_keys', 'normalized'],
    ['/etc//motd', 'normalized'],
    ['/etc/motd/', 'normalized'],
    ['/', 'normalized'],
    ['/proc/sys/kernel/x', '/proc'],
    ['/sys/x', '/sys'],
    ['/dev/sda', '/dev'],
    ['/etc/mo td', 'may contain only'],
    ['/etc/$(id)', 'may contain only'],
  ])('file path %s', (path, error) => {
    const issues = issuesOf(minimalInput({ files: [{ path, content: 'x' }] }));
    const issue = issues.find((i) => i.path === 'spec.files[0].path');
    if (error === null) expect(issue).toBeUndefined();
    else expect(issue?.message).toContain(error);
  });

  it('checks file modes and owners', () => {
    expectRejected({ files: [{ path: '/etc/a', content: '', mode: '999' }] }, 'spec.files[0].mode', 'octal');
    expectRejected({ files: [{ path: '/etc/a', content: '', owner: 'root' }] }, 'spec.files[0].owner', 'user:group');
  });

  it('accepts numeric owners the configure stage can apply, and refuses the ones it cannot', () => {
    for (const owner of ['0:0', '1001:1002', 'ops:0', '4294967294:4294967294']) {
      expect(issuesOf(minimalInput({ files: [{ path: '/etc/a', content: '', owner }] })), owner).toEqual([]);
    }
    // 4294967295 is (uid_t)-1, "leave unchanged" to chown(2): the file would silently stay root's
    for (const owner of ['4294967295:0', '0:4294967295', '9999999999:ops']) {
      expectRejected({ files: [{ path: '/etc/a', content: '', owner }] }, 'spec.files[0].owner', 'at most 4294967294');
    }
  });

  it('bounds file sizes, alone and together', () => {
    expectRejected({ files: [{ path: '/etc/a', content: 'x'.repeat(256 * 1024 + 1) }] }, 'spec.files[0].content', 'at most');
    const big = 'x'.repeat(200 * 1024);
    const files = Array.from({ length: 11 }, (_, i) => ({ path: `/etc/f${i}`, content: big }));
    expectRejected({ files }, 'spec.files', 'add up to');
  });

  it('checks sysctls, modules, kernel args and services', () => {
    expect(issuesOf(minimalInput({ sysctl: { 'net.ipv4.ip_forward': '1', 'net.bridge.bridge-nf-call-iptables': '1' } }))).toEqual([]);
    expectRejected({ sysctl: { 'net.ipv4.ip_forward': '1\nkernel.x=1' } }, 'spec.sysctl.net.ipv4.ip_forward', 'may contain only');
    expectRejected({ sysctl: { 'kernel x': '1' } }, 'spec.sysctl.kernel x', 'dotted sysctl');
    expectRejected({ sysctl: Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`net.x.k${i}`, '1'])) }, 'spec.sysctl', 'at most 128');
    expectRejected({ kernelModules: ['br_netfilter', 'a b'] }, 'spec.kernelModules[1]', 'kernel module');
    expectRejected({ kernelArgs: ['quiet splash'] }, 'spec.kernelArgs[0]', 'without spaces');
    expectRejected({ services: { enable: ['chrony'] } }, 'spec.services.enable[0]', 'unit name');
    expectRejected({ services: { enable: ['chrony.service'], disable: ['chrony.service'] } }, 'spec.services.disable', 'both enabled and disabled');
  });

  it.each(['\u0000', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085'])('rejects the control character %j in every URL field', (control) => {
    const url = `http://mirror.example/debian${control}x`;
    const message = 'control characters';
    expectRejected({ os: { mirror: url } }, 'spec.os.mirror', message);
    expectRejected({ os: { mirror: `${control}http://mirror.example/debian` } }, 'spec.os.mirror', message);
    expectRejected(
      { kubernetes: { version: '1.35.3', source: { type: 'apt', repository: url, signingKeyUrl: url } } },
      'spec.kubernetes.source.signingKeyUrl',
      message,
    );
    expectRejected({ kubernetes: { version: '1.35.3', source: { type: 'apt', repository: url } } }, 'spec.kubernetes.source.repository', message);
    const sha256 = 'a'.repeat(64);
    expectRejected(
      { runtime: { source: 'upstream', version: '2.1.4', upstream: { url, sha256, runcUrl: url, runcSha256: sha256 } } },
      'spec.runtime.upstream.url',
      message,
    );
    expectRejected(
      { runtime: { source: 'upstream', version: '2.1.4', upstream: { url: 'http://mirror.example/c.tgz', sha256, runcUrl: url, runcSha256: sha256 } } },
      'spec.runtime.upstream.runcUrl',
      message,
    );
    expectRejected(
      {
        kubernetes: {
          version: '1.35.3',
          source: { type: 'binaries', baseUrl: url, sha256: { kubelet: sha256, kubeadm: sha256, kubectl: sha256, crictl: sha256 } },
        },
      },
      'spec.kubernetes.source.baseUrl',
      message,
    );
  });

  it('accepts only http(s) URLs without credentials', () => {
    expect(issuesOf(minimalInput({ os: { mirror: 'http://127.0.0.1:8000/debian' } }))).toEqual([]);
    expectRejected({ os: { mirror: 'ftp://mirror.example/debian' } }, 'spec.os.mirror', 'http or https');
    expectRejected({ os: { mirror: 'file:///etc/passwd' } }, 'spec.os.mirror', 'http or https');
    expectRejected({ os: { mirror: 'https://user:pw@mirror.example/' } }, 'spec.os.mirror', 'credentials');
    expectRejected({ os: { mirror: 'not a url' } }, 'spec.os.mirror', 'absolute');
  });

  it('bounds disk size', () => {
    expectRejected({ disk: { sizeGiB: 2 } }, 'spec.disk.sizeGiB', '');
    expectRejected({ disk: { sizeGiB: 4096 } }, 'spec.disk.sizeGiB', '');
  });
});

describe('cross-field rules', () => {
  it('needs upstream containerd 2.x for Kubernetes 1.36 and names the distro version', () => {
    expectRejected({ kubernetes: { version: '1.36.2' } }, 'spec.runtime.source', 'ships 1.7.24');
  });

  it('accepts Kubernetes 1.36 with upstream containerd 2.x', () => {
    const issues = issuesOf(
      minimalInput({
        kubernetes: { version: '1.36.2' },
        runtime: { source: 'upstream', version: '2.1.4', upstream: { url: 'http://127.0.0.1:9/containerd.tgz', sha256: 'a'.repeat(64) } },
      }),
    );
    expect(issues).toEqual([]);
  });

  it('rejects Debian 12 distro containerd for current Kubernetes, pointing at the runtime source', () => {
    expectRejected({ os: { release: 'bookworm' }, kubernetes: { version: '1.34.5' } }, 'spec.runtime.source', '1.6.20');
  });

  it('requires tarball, checksum and version for upstream containerd', () => {
    expectRejected({ runtime: { source: 'upstream' } }, 'spec.runtime.upstream', 'tarball URL');
    expectRejected({ runtime: { source: 'upstream' } }, 'spec.runtime.version', 'version');
  });

  it('rejects Kubernetes minors outside the catalog', () => {
    expectRejected({ kubernetes: { version: '1.20.0' } }, 'spec.kubernetes.version', 'not supported');
  });

  it('needs a region and bucket for AMI output', () => {
    expectRejected({ outputs: [{ format: 'ami' } as never] }, 'spec.outputs[0].region', '');
    expectRejected({ outputs: [{ format: 'ami', region: 'eu-west-1' } as never] }, 'spec.outputs[0].bucket', '');
    expect(issuesOf(minimalInput({ outputs: [{ format: 'ami', region: 'eu-west-1', bucket: 'my-images' }] }))).toEqual([]);
  });

  it('rejects a customization that does not apply to the chosen disk', () => {
    expectRejected(
      { disk: { firmware: 'bios' }, outputs: [{ format: 'ami', region: 'eu-west-1', bucket: 'b-1', bootMode: 'uefi' }] },
      'spec.outputs[0].bootMode',
      'firmware',
    );
  });

  it('rejects duplicate outputs, users and file paths', () => {
    expectRejected({ outputs: [{ format: 'qcow2' }, { format: 'qcow2' }] }, 'spec.outputs[1].format', 'more than once');
    expectRejected({ users: [{ name: 'ops' }, { name: 'ops' }] }, 'spec.users[1].name', 'more than once');
    expectRejected(
      {
        files: [
          { path: '/etc/a', content: '' },
          { path: '/etc/a', content: '' },
        ],
      },
      'spec.files[1].path',
      'more than once',
    );
  });

  it('needs a mirror for Ubuntu releases', () => {
    expectRejected({ os: { distro: 'ubuntu', release: 'noble' } }, 'spec.os.mirror', 'needs a mirror');
    expectRejected({ os: { distro: 'debian', release: 'noble' } }, 'spec.os.release', 'not a debian release');
  });
});

describe('extra repositories', () => {
  const key = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZabc\n-----END PGP PUBLIC KEY BLOCK-----\n';
  const repo = { name: 'internal', url: 'https://apt.example/debian', suite: 'stable', signingKeyUrl: 'https://apt.example/key.asc' };

  it('accepts a repository with a key URL or an inline key', () => {
    expect(issuesOf(minimalInput({ repositories: [repo] }))).toEqual([]);
    expect(issuesOf(minimalInput({ repositories: [{ ...repo, signingKeyUrl: undefined, signingKey: key, pin: 1001 }] }))).toEqual([]);
  });

  it('needs exactly one signing key', () => {
    expectRejected({ repositories: [{ ...repo, signingKeyUrl: undefined }] }, 'spec.repositories[0].signingKeyUrl', 'exactly one');
    expectRejected({ repositories: [{ ...repo, signingKey: key }] }, 'spec.repositories[0].signingKeyUrl', 'exactly one');
  });

  it('rejects a suite, a key or a name that could break the sources file', () => {
    expectRejected({ repositories: [{ ...repo, suite: 'stable main' }] }, 'spec.repositories[0].suite', 'suite name');
    expectRejected({ repositories: [{ ...repo, suite: 'stable\nTypes: deb' }] }, 'spec.repositories[0].suite', 'suite name');
    expectRejected({ repositories: [{ ...repo, signingKeyUrl: undefined, signingKey: 'ssh-ed25519 AAAA' }] }, 'spec.repositories[0].signingKey', 'armored');
    expectRejected({ repositories: [repo, repo] }, 'spec.repositories[1].name', 'more than once');
    expectRejected({ repositories: [{ ...repo, suite: '/', components: ['main'] }] }, 'spec.repositories[0].components', 'flat');
  });

  it('refuses to remove the distro sources when no repository replaces them', () => {
    expectRejected({ os: { release: 'trixie', keepDistroSources: false } }, 'spec.os.keepDistroSources', 'at least one');
  });
});

describe('containerDisk push', () => {
  const withPush = (push: unknown) => minimalInput({ outputs: [{ format: 'containerdisk', targets: ['kubevirt'], push } as never] });

  it('accepts a registry reference, with or without a tag, and defaults to https', () => {
    expect(issuesOf(withPush({ reference: 'registry.example:5000/nodes/edge' }))).toEqual([]);
    const parsed = nodeImageSchema.parse(withPush({ reference: 'registry.example/nodes/edge:v1.35.3' }));
    expect(parsed.spec.outputs[0]).toMatchObject({ push: { reference: 'registry.example/nodes/edge:v1.35.3', plainHttp: false } });
  });

  it('rejects a reference without a host, with a digest, with a bad name or past the length bound, on the reference field', () => {
    expectRejected(withPush({ reference: 'edge:v1' }).spec, 'spec.outputs[0].push.reference', 'names no registry host');
    expectRejected(withPush({ reference: 'r.example/edge@sha256:00' }).spec, 'spec.outputs[0].push.reference', 'not a digest');
    expectRejected(withPush({ reference: 'r.example/Edge' }).spec, 'spec.outputs[0].push.reference', 'not a valid repository name');
    expectRejected(withPush({ reference: 'r.example/edge:bad tag' }).spec, 'spec.outputs[0].push.reference', 'not a valid tag');
    expectRejected(withPush({ reference: `r.example/${'a'.repeat(250)}` }).spec, 'spec.outputs[0].push.reference', 'longer than 255');
    expectRejected(withPush({ reference: `r.example/${'a'.repeat(400)}` }).spec, 'spec.outputs[0].push.reference', '<=384');
    expectRejected(withPush({ reference: 'r.example/edge', password: 'x' }).spec, 'spec.outputs[0].push', 'password');
  });
});
