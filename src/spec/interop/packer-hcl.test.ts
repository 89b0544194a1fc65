import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeImageSchema, type NodeImage } from '../schema';
import { minimalInput } from '../test-specs';
import { nodeSetupScripts } from './node-setup-scripts';
import { exportPackerTemplate, hclHeredoc, hclString } from './packer-hcl';

const tricky = 'HOME is ${HOME}, template %{ if x } and \'quotes\' "double" \\ backslash\nSTAMPER_SCRIPT\n$(rm -rf /)';

const image: NodeImage = nodeImageSchema.parse(
  minimalInput({
    kubernetes: { version: '1.34.5' },
    packages: ['htop', 'jq=1.7.1-3'],
    users: [{ name: 'ops', sudo: true, groups: ['adm'], sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB0 ops@example'] }],
    files: [{ path: '/etc/motd', content: tricky }],
    sysctl: { 'vm.max_map_count': '262144' },
    kernelModules: ['ip_vs'],
    kernelArgs: ['console=ttyS0'],
    services: { enable: ['chrony.service'], disable: [] },
    outputs: [{ format: 'qcow2' }, { format: 'ova' }],
  }),
);

const packer = spawnSync('packer', ['version'], { encoding: 'utf8' });
const packerMissing = packer.status !== 0 ? 'packer is not on PATH (scripts/install-host-packages.sh installs it)' : '';
if (packerMissing) console.info(`skipping packer validate/build checks: ${packerMissing}`);
const scratch = mkdtempSync(join(tmpdir(), 'stamper-packer-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('exportPackerTemplate', () => {
  const template = exportPackerTemplate(image);

  it('pins the same versions and settings the pipeline uses', () => {
    expect(template).toContain("'kubelet=1.34.5-*' 'kubeadm=1.34.5-*' 'kubectl=1.34.5-*' 'cri-tools=1.34.0-*' 'kubernetes-cni=1.7.1-*'");
    expect(template).toContain('sandbox_image = "registry.k8s.io/pause:3.10.1"');
    expect(template).toContain('https://pkgs.k8s.io/core:/stable:/v1.34/deb/');
    expect(template).toContain('\nvm.max_map_count = 262144\n');
    expect(template).toContain('\nip_vs\n');
    expect(template).toContain('SystemdCgroup = true');
    expect(template).toContain('source_image_url');
    expect(template).toContain('Not produced here (Stamper builds them without a hypervisor): ova.');
    expect(template).not.toMatch(/required_plugins|packer\s*\{/);
  });

  it('writes the containerd 2.x config layout for an upstream containerd 2', () => {
    const upstream = nodeImageSchema.parse(
      minimalInput({
        kubernetes: { version: '1.36.2' },
        runtime: { source: 'upstream', version: '2.1.0', upstream: { url: 'https://example.test/containerd.tgz', sha256: 'a'.repeat(64) } },
      }),
    );
    const text = exportPackerTemplate(upstream);
    expect(text).toContain('version = 3');
    expect(text).toContain("echo 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa  /tmp/containerd.tar.gz' | sha256sum -c -");
  });

  it('passes the provisioner environment (BUILD_USER) to the script through {{ .Vars }}', () => {
    const executes = template.split('\n').filter((line) => line.includes('execute_command'));
    expect(executes.length).toBeGreaterThan(0);
    for (const line of executes) expect(line.trim()).toBe(`execute_command  = "chmod +x {{ .Path }}; {{ .Vars }} sudo -E bash -eu -o pipefail '{{ .Path }}'"`);
  });

  it('points loopback source URLs at the QEMU host (10.0.2.2) and says so', () => {
    const local = nodeImageSchema.parse(
      minimalInput({
        kubernetes: { version: '1.34.5', source: { type: 'apt', repository: 'http://127.0.0.1:8080/k8s/deb/' } },
        files: [{ path: '/etc/note', content: 'http://127.0.0.1/keep' }],
      }),
    );
    const out = exportPackerTemplate(local);
    expect(out).toContain('deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] http://10.0.2.2:8080/k8s/deb/ /');
    expect(out).toContain('#   http://127.0.0.1:8080/k8s/deb/ -> http://10.0.2.2:8080/k8s/deb/');
    // File contents are the user's, not a download: they stay as written (the script carries them base64-encoded).
    expect(out).toContain(Buffer.from('http://127.0.0.1/keep').toString('base64'));
    expect(
      out
        .split('\n')
        .filter((line) => !line.startsWith('#'))
        .join('\n'),
    ).not.toMatch(/127\.0\.0\.1:8080/);
  });

  it('writes provisioner scripts that bash can parse', () => {
    for (const { name, script } of nodeSetupScripts(image)) {
      const check = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
      expect(check.status, `${name}: ${check.stderr}`).toBe(0);
    }
  });

  it.skipIf(Boolean(packerMissing))('passes packer validate', () => {
    const file = join(scratch, `${image.metadata.name}.pkr.hcl`);
    writeFileSync(file, template);
    const result = spawnSync('packer', ['validate', '-var', `source_image_checksum=sha512:${'a'.repeat(128)}`, file], { encoding: 'utf8', cwd: scratch });
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  it.skipIf(Boolean(packerMissing))('passes packer validate for an upstream runtime and binaries by URL', () => {
    const other = nodeImageSchema.parse(
      minimalInput({
        runtime: { source: 'upstream', version: '2.1.0', upstream: { url: 'https://example.test/containerd.tgz', sha256: 'a'.repeat(64) } },
        kubernetes: {
          version: '1.36.2',
          source: {
            type: 'binaries',
            baseUrl: 'https://example.test/bin/',
            sha256: { kubelet: 'b'.repeat(64), kubeadm: 'c'.repeat(64), kubectl: 'd'.repeat(64), crictl: 'e'.repeat(64) },
          },
        },
        outputs: [{ format: 'raw' }],
      }),
    );
    const file = join(scratch, 'other.pkr.hcl');
    const text = exportPackerTemplate(other);
    expect(text).toContain('format           = "raw"');
    writeFileSync(file, text);
    const result = spawnSync('packer', ['validate', '-var', `source_image_checksum=sha256:${'a'.repeat(64)}`, file], { encoding: 'utf8', cwd: scratch });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    for (const { script } of nodeSetupScripts(other)) expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
  });

  it.skipIf(Boolean(packerMissing))('escapes heredocs and strings so Packer hands the exact bytes to the shell', () => {
    // A null build runs the provisioner locally: what lands in the file is what Packer read from the template.
    const out = join(scratch, 'echoed.txt');
    const script = `cat > ${out} <<'TEXT'\n${tricky}\nTEXT`;
    const file = join(scratch, 'echo.pkr.hcl');
    writeFileSync(
      file,
      [
        'source "null" "echo" {',
        '  communicator = "none"',
        '}',
        'build {',
        '  sources = ["source.null.echo"]',
        '  provisioner "shell-local" {',
        `    environment_vars = [${hclString(`NOTE=${tricky}`)}]`,
        `    inline = [${hclHeredoc(script)}]`,
        '  }',
        '}',
      ].join('\n'),
    );
    const result = spawnSync('packer', ['build', file], { encoding: 'utf8', cwd: scratch, env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`${tricky}\n`);
  });
});
