import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildKey } from '../../src/spec/build-key.ts';
import { nodeImageSchema } from '../../src/spec/schema.ts';
import { minimalInput } from '../../src/spec/test-specs.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import { buildDirs } from './build-dirs.ts';
import { EventHub } from './event-hub.ts';
import { recoverAbandonedBuilds } from './recover-builds.ts';
import { removeBuildDir } from './remove-build-dir.ts';
import { mountsUnder } from './work-dir-mounts.ts';

const isRoot = process.getuid?.() === 0;
const mount = (...args: string[]) => execFileSync('mount', args);
/** An owner on this host whose pid cannot exist, so recovery treats its builds as abandoned. */
const deadOwner = `${hostname()}/2147483000/0`;

/**
 * Real mounts (tmpfs and bind mounts, as root) under a temporary data dir, laid out
 * like a killed mmdebstrap's: proc-like and devpts-like file systems, a bind mount of a
 * directory outside the build (the host's /dev/shm), mounts stacked and nested.
 */
describe.runIf(isRoot)('recovery of a killed build with mounts in its tree', () => {
  let dataDir: string;
  let outside: string;
  let store: SqliteStore;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-recover-'));
    outside = path.join(dataDir, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'host-file'), 'must survive');
    store = SqliteStore.open(dataDir);
  });
  afterEach(async () => {
    store.db.close();
    for (const point of await mountsUnder(dataDir)) execFileSync('umount', ['--lazy', point]);
    execFileSync('chattr', ['-R', '-i', dataDir]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  function mountTree(workDir: string): void {
    const tree = path.join(workDir, 'tree');
    for (const dir of ['proc', 'sys', 'dev/shm', 'dev/pts']) mkdirSync(path.join(tree, dir), { recursive: true });
    mount('-t', 'tmpfs', '-o', 'size=1m', 'proc-like', path.join(tree, 'proc'));
    mount('-t', 'tmpfs', '-o', 'size=1m', 'sys-lower', path.join(tree, 'sys'));
    mount('-t', 'tmpfs', '-o', 'size=1m', 'sys-upper', path.join(tree, 'sys'));
    mkdirSync(path.join(tree, 'sys', 'fs'));
    mount('-t', 'tmpfs', '-o', 'size=1m', 'sys-nested', path.join(tree, 'sys', 'fs'));
    mount('-t', 'tmpfs', '-o', 'size=1m', 'devpts-like', path.join(tree, 'dev', 'pts'));
    mount('--bind', outside, path.join(tree, 'dev', 'shm'));
    writeFileSync(path.join(tree, 'proc', 'file'), 'x');
    writeFileSync(path.join(tree, 'etc-file'), 'x');
  }

  async function abandonedBuild() {
    const spec = nodeImageSchema.parse(minimalInput({ disk: { sizeGiB: 20 } }));
    await store.createOrReuse({ buildKey: await buildKey(spec), spec, specYaml: '# test', stages: ['rootfs', 'sign'] }, false);
    const claimed = await store.claimNextQueued(deadOwner);
    if (!claimed) throw new Error('nothing claimed');
    const dirs = buildDirs(dataDir, claimed.row.id);
    mkdirSync(dirs.workDir, { recursive: true });
    mkdirSync(dirs.outDir, { recursive: true });
    return { id: claimed.row.id, ...dirs };
  }

  it('unmounts deepest first, removes the tree and leaves the bind-mounted host directory alone', async () => {
    const { workDir } = await abandonedBuild();
    mountTree(workDir);
    expect((await mountsUnder(workDir)).length).toBe(6);
    expect(await removeBuildDir(workDir)).toEqual([]);
    expect(existsSync(workDir)).toBe(false);
    expect(await mountsUnder(dataDir)).toEqual([]);
    expect(readFileSync(path.join(outside, 'host-file'), 'utf8')).toBe('must survive');
  });

  it('never walks into a mount it could not unmount', async () => {
    const { workDir } = await abandonedBuild();
    mountTree(workDir);
    // umount itself fails, e.g. on a host whose umount refuses: only the walker stands between us and the host's files.
    const bin = path.join(dataDir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'umount'), '#!/bin/sh\necho "umount: refused for the test" >&2\nexit 32\n');
    chmodSync(path.join(bin, 'umount'), 0o755);
    const pathBefore = process.env.PATH;
    process.env.PATH = bin;
    let problems: string[];
    try {
      problems = await removeBuildDir(workDir);
    } finally {
      process.env.PATH = pathBefore;
    }
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('dev/shm is still mounted (umount: refused for the test)')]));
    expect(readFileSync(path.join(outside, 'host-file'), 'utf8')).toBe('must survive');
    expect(existsSync(path.join(workDir, 'tree', 'etc-file'))).toBe(false);
  });

  it('marks the build interrupted with its reason and names what it could not remove, without throwing', async () => {
    const { id, workDir, outDir } = await abandonedBuild();
    mountTree(workDir);
    writeFileSync(path.join(outDir, 'stuck.raw'), 'x');
    execFileSync('chattr', ['+i', path.join(outDir, 'stuck.raw')]);
    const warnings: string[] = [];
    const recovered = await recoverAbandonedBuilds(store, new EventHub(), dataDir, 'recover-builds.test', (message) => warnings.push(message));
    expect(recovered).toEqual([id]);
    expect(await mountsUnder(dataDir)).toEqual([]);
    expect(existsSync(workDir)).toBe(false);
    expect(readFileSync(path.join(outside, 'host-file'), 'utf8')).toBe('must survive');

    const detail = await store.detail(id);
    expect(detail?.state).toBe('interrupted');
    expect(detail?.error).toMatch(/stopped unexpectedly.*could not all be removed: could not remove .*stuck\.raw: EPERM/);
    expect((await store.eventsAfter(id, 0)).at(-1)).toMatchObject({ type: 'state', state: 'interrupted', reason: detail?.error });
    expect(warnings.join('\n')).toContain(`build ${id}: leftover files could not be removed`);
  });
});
