import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const stamper = (args: string[]) => run('bash', ['scripts/stamper.sh', ...args], { timeout: 60_000 });

describe('stamper <command> --help', () => {
  it.each(['serve', 'build', 'worker', 'verify'])('%s answers --help with its usage and exit 0', async (command) => {
    const { stdout } = await stamper([command, '--help']);
    expect(stdout).toMatch(new RegExp(`^usage: stamper ${command}`));
  });

  it('serve --help lists its flags and every STAMPER_* variable the server configuration reads', async () => {
    const { stdout } = await stamper(['serve', '--help']);
    for (const flag of ['--host', '--port', '--data-dir', '--cache-dir', '--concurrency']) expect(stdout).toContain(flag);
    const source = (
      await Promise.all(
        ['server/config/server-config.ts', 'server/config/artifact-storage-config.ts', 'server/sources/source-policy.ts'].map((f) => readFile(f, 'utf8')),
      )
    ).join('\n');
    const variables = [...new Set([...source.matchAll(/env\.(STAMPER_[A-Z_]+)/g)].map((m) => m[1]))];
    expect(variables.length).toBeGreaterThan(10);
    for (const variable of variables) expect(stdout, `${variable} missing from serve --help`).toContain(variable);
    expect(stdout).toContain('default 127.0.0.1');
  });
});

describe('stamper build settings', () => {
  it('takes the cache directory from --cache, else STAMPER_CACHE_DIR as the server does, else one the rootless build can read', async () => {
    const { buildCacheDir } = await import('./build-command.ts');
    expect(buildCacheDir(undefined, { STAMPER_CACHE_DIR: '/srv/stamper-cache' })).toBe('/srv/stamper-cache');
    expect(buildCacheDir('/tmp/flag-cache', { STAMPER_CACHE_DIR: '/srv/stamper-cache' })).toBe('/tmp/flag-cache');
    expect(buildCacheDir(undefined, { HOME: '/home/u' }, false)).toMatch(/\.cache\/stamper$/);
    // root's home is private to other users, the build user among them
    expect(buildCacheDir(undefined, { HOME: '/root' }, true)).toBe('/var/cache/stamper');
  });
});
