import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveVersions } from '../defaults';
import { CRICTL_CONFIG, renderContainerdConfig } from '../node-definition';
import { nodeImageSchema, type NodeImage } from '../schema';
import { minimalInput } from '../test-specs';
import { nodeSetupScripts } from './node-setup-scripts';

const scratch = mkdtempSync(join(tmpdir(), 'stamper-node-setup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const specs: [string, NodeImage, string][] = [
  ['distro containerd 1.x', nodeImageSchema.parse(minimalInput({ kubernetes: { version: '1.34.5' } })), '1.7.0'],
  [
    'upstream containerd 2.x',
    nodeImageSchema.parse(
      minimalInput({ kubernetes: { version: '1.36.2' }, runtime: { source: 'upstream', version: '2.1.0', systemdCgroup: false, upstream: { url: 'https://example.test/containerd.tgz', sha256: 'a'.repeat(64) } } }),
    ),
    '2.1.0',
  ],
];

/** Runs the export's file-writing heredocs for real, with /etc moved under a scratch root. */
function writtenByExport(image: NodeImage, root: string): Record<string, string> {
  const runtime = nodeSetupScripts(image).find((s) => s.name === 'runtime')?.script ?? '';
  const lines = runtime.split('\n');
  const fileWriting: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const start = /^cat > (\S+) <<'(\w+)'$/.exec(lines[i]);
    if (!start) continue;
    const end = lines.indexOf(start[2], i + 1);
    fileWriting.push(`mkdir -p "$(dirname '${root}${start[1]}')"`, `cat > '${root}${start[1]}' <<'${start[2]}'`, ...lines.slice(i + 1, end + 1));
  }
  const result = spawnSync('bash', ['-euc', fileWriting.join('\n')], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return {
    '/etc/containerd/config.toml': readFileSync(join(root, 'etc/containerd/config.toml'), 'utf8'),
    '/etc/crictl.yaml': readFileSync(join(root, 'etc/crictl.yaml'), 'utf8'),
  };
}

describe('the Packer/shell export and the configure stage build the same node', () => {
  for (const [name, image, containerdVersion] of specs) {
    it(`writes byte-identical containerd and crictl files (${name})`, () => {
      const root = mkdtempSync(join(scratch, 'root-'));
      const { runtime } = image.spec;
      expect(writtenByExport(image, root)).toEqual({
        '/etc/containerd/config.toml': renderContainerdConfig({ containerdVersion, systemdCgroup: runtime.systemdCgroup, pauseImage: resolveVersions(image.spec).pauseImage }),
        '/etc/crictl.yaml': CRICTL_CONFIG,
      });
    });
  }
});
