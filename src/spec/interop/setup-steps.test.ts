import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderFileWrite, renderSteps, runSteps } from './setup-steps';

/** bash reads /etc/bash.bashrc when stdin is a socket (node's pipes are) and SHLVL is low, as under a bare CI shell: no stdin then. */
const quietStdin: ['ignore', 'pipe', 'pipe'] = ['ignore', 'pipe', 'pipe'];

const scratch = mkdtempSync(join(tmpdir(), 'stamper-setup-steps-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const contents: [string, string][] = [
  ['a plain config', 'key = value\n'],
  ['shell syntax that must not expand', 'HOME is ${HOME} and $(id -u) `id` \\ \'quotes\' "double"\n'],
  ['no final newline', 'no newline at the end'],
  ['a line equal to the heredoc marker', 'before\nSTAMPER_FILE\nafter\n'],
  ['an empty file', ''],
  ['a blank line only', '\n'],
  ['tabs and non-ASCII', '\tindented\nnaïve ✓\n'],
];

describe('renderFileWrite', () => {
  for (const [name, content] of contents) {
    it(`writes the exact bytes under the root (${name})`, () => {
      const root = mkdtempSync(join(scratch, 'root-'));
      const result = spawnSync('bash', ['-euo', 'pipefail', '-c', renderFileWrite({ path: '/etc/deep/dir/file.conf', content }, root)], {
        encoding: 'utf8',
        stdio: quietStdin,
      });
      expect(result.stderr).toBe('');
      expect(readFileSync(join(root, 'etc/deep/dir/file.conf'), 'utf8')).toBe(content);
    });
  }

  it('writes to the image path itself without a root', () => {
    expect(renderFileWrite({ path: '/etc/crictl.yaml', content: 'x\n' })).toBe("mkdir -p '/etc'\ncat > '/etc/crictl.yaml' <<'STAMPER_FILE'\nx\nSTAMPER_FILE");
  });

  it('leaves commands as they are', () => {
    expect(renderSteps([...runSteps('swapoff -a'), { file: { path: '/etc/a', content: 'b\n' } }], '/scratch')).toBe(
      "swapoff -a\nmkdir -p '/scratch/etc'\ncat > '/scratch/etc/a' <<'STAMPER_FILE'\nb\nSTAMPER_FILE",
    );
  });
});
