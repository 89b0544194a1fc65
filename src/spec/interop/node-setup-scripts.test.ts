import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveVersions } from '../defaults';
import { CRICTL_CONFIG, REQUIRED_KERNEL_MODULES, REQUIRED_SYSCTLS, renderContainerdConfig, renderModulesLoad, renderSysctlConf } from '../node-definition';
import { nodeImageSchema, type NodeImage } from '../schema';
import { minimalInput } from '../test-specs';
import { nodeSetupScripts } from './node-setup-scripts';

const scratch = mkdtempSync(join(tmpdir(), 'stamper-node-setup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const specs: [string, NodeImage, string][] = [
  ['distro containerd 1.x', nodeImageSchema.parse(minimalInput({ kubernetes: { version: '1.34.5' } })), '1.7.0'],
  [
    'extra sysctls and modules',
    nodeImageSchema.parse(
      minimalInput({
        kubernetes: { version: '1.34.5' },
        sysctl: { 'vm.max_map_count': '262144', 'fs.inotify.max_user_watches': '524288' },
        kernelModules: ['ip_vs', 'ip_vs_rr'],
      }),
    ),
    '1.7.0',
  ],
  [
    'upstream containerd 2.x',
    nodeImageSchema.parse(
      minimalInput({
        kubernetes: { version: '1.36.2' },
        runtime: {
          source: 'upstream',
          version: '2.1.0',
          systemdCgroup: false,
          upstream: { url: 'https://example.test/containerd.tgz', sha256: 'a'.repeat(64) },
        },
      }),
    ),
    '2.1.0',
  ],
];

/** Runs the export's file-writing heredocs for real, with /etc moved under a scratch root. */
function writtenByExport(image: NodeImage, root: string): Record<string, string> {
  const lines = nodeSetupScripts(image)
    .filter((s) => s.name === 'runtime' || s.name === 'node-settings')
    .flatMap((s) => s.script.split('\n'));
  const written: string[] = [];
  const fileWriting: string[] = [];
  lines.forEach((line, i) => {
    const [, path, marker] = /^cat > (\S+) <<'(\w+)'$/.exec(line) ?? [];
    // Only the files the node definition covers (the upstream containerd unit is the export's own).
    if (!path || !marker || !/^\/etc\/(containerd\/|crictl\.yaml|modules-load\.d\/|sysctl\.d\/)/.test(path)) return;
    const end = lines.indexOf(marker, i + 1);
    written.push(path);
    fileWriting.push(`mkdir -p "$(dirname '${root}${path}')"`, `cat > '${root}${path}' <<'${marker}'`, ...lines.slice(i + 1, end + 1));
  });
  const result = spawnSync('bash', ['-euc', fileWriting.join('\n')], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return Object.fromEntries(written.map((path) => [path, readFileSync(join(root, path), 'utf8')]));
}

describe('the Packer/shell export and the configure stage build the same node', () => {
  for (const [name, image, containerdVersion] of specs) {
    it(`writes byte-identical containerd and crictl files (${name})`, () => {
      const root = mkdtempSync(join(scratch, 'root-'));
      const { runtime } = image.spec;
      expect(writtenByExport(image, root)).toEqual({
        '/etc/containerd/config.toml': renderContainerdConfig({
          containerdVersion,
          systemdCgroup: runtime.systemdCgroup,
          pauseImage: resolveVersions(image.spec).pauseImage,
        }),
        '/etc/crictl.yaml': CRICTL_CONFIG,
        '/etc/modules-load.d/kubernetes.conf': renderModulesLoad(REQUIRED_KERNEL_MODULES),
        '/etc/sysctl.d/99-kubernetes-cri.conf': renderSysctlConf(REQUIRED_SYSCTLS),
        ...(image.spec.kernelModules.length > 0 ? { '/etc/modules-load.d/stamper-user.conf': renderModulesLoad(image.spec.kernelModules) } : {}),
        ...(Object.keys(image.spec.sysctl).length > 0 ? { '/etc/sysctl.d/99-stamper-user.conf': renderSysctlConf(image.spec.sysctl) } : {}),
      });
    });
  }
});
