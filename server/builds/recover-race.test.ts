import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildKey } from '../../src/spec/build-key.ts';
import { nodeImageSchema } from '../../src/spec/schema.ts';
import { minimalInput } from '../../src/spec/test-specs.ts';
import { BuildStore } from '../store/build-store.ts';
import { openDatabase } from '../store/open-database.ts';
import { buildDirs } from './build-dirs.ts';

const tsx = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs');
const script = path.join(import.meta.dirname, '..', 'testing', 'recover-once.ts');
const isRoot = process.getuid?.() === 0;
/** An owner on this host whose pid cannot exist: every process sees its builds as abandoned. */
const deadOwner = `${hostname()}/2147483000/0`;

interface RecoveryReport {
  recovered: string[];
  warnings: string[];
}

/** A `recover-once` process on the data dir, started but held until `go()`. */
async function startRecoverer(dataDir: string): Promise<{ child: ChildProcess; go(): Promise<RecoveryReport> }> {
  const child = spawn(process.execPath, ['--import', tsx, script, dataDir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout ?? process.stdin })[Symbol.asyncIterator]();
  const ready = await lines.next();
  if (ready.value !== 'ready') throw new Error(`recover-once did not start: ${String(ready.value)}`);
  return {
    child,
    go: async () => {
      child.stdin?.write('go\n');
      const report = await lines.next();
      return JSON.parse(String(report.value)) as RecoveryReport;
    },
  };
}

/**
 * A file recovery cannot remove, so each process that cleans the build says so in a
 * warning: the warnings tell which process did the clean-up.
 */
function pinnedFile(dir: string): void {
  const pinned = path.join(dir, 'pinned');
  mkdirSync(pinned);
  writeFileSync(path.join(pinned, 'file'), 'x');
  if (isRoot) execFileSync('chattr', ['+i', path.join(pinned, 'file')]);
  else chmodSync(pinned, 0o500);
}

describe('two processes recovering the same dead builds at once (one SQLite file)', () => {
  let dataDir: string;
  let store: BuildStore;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-recover-race-'));
    store = new BuildStore(openDatabase(dataDir));
  });
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    store.db.close();
    if (isRoot) execFileSync('chattr', ['-R', '-i', dataDir]);
    else execFileSync('chmod', ['-R', 'u+w', dataDir]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function abandonedBuilds(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const spec = nodeImageSchema.parse(minimalInput({ disk: { sizeGiB: 20 + i } }));
      store.createOrReuse({ buildKey: await buildKey(spec), spec, specYaml: '# test', stages: ['rootfs', 'sign'] }, false);
      const claimed = store.claimNextQueued(deadOwner);
      if (!claimed) throw new Error('nothing claimed');
      const { workDir, outDir } = buildDirs(dataDir, claimed.row.id);
      mkdirSync(workDir, { recursive: true });
      mkdirSync(outDir, { recursive: true });
      // the first build takes a while to clean, so both processes are at work on it together
      if (i === 0) for (let f = 0; f < 1500; f += 1) writeFileSync(path.join(workDir, `file-${f}`), 'x');
      pinnedFile(outDir);
      ids.push(claimed.row.id);
    }
    return ids;
  }

  it('lets exactly one of them kill, clean and record each build', async () => {
    const ids = await abandonedBuilds(4);
    const recoverers = await Promise.all([startRecoverer(dataDir), startRecoverer(dataDir)]);
    children.push(...recoverers.map((r) => r.child));
    const reports = await Promise.all(recoverers.map((r) => r.go()));

    expect(reports.flatMap((r) => r.recovered).sort()).toEqual([...ids].sort());
    const warnings = reports.flatMap((r) => r.warnings);
    for (const id of ids) {
      const cleanedBy = warnings.filter((w) => w.startsWith(`build ${id}: leftover files could not be removed`));
      expect(cleanedBy, `build ${id} was cleaned up by ${cleanedBy.length} processes`).toHaveLength(1);
      const finalStates = store.eventsAfter(id, 0).filter((e) => e.type === 'state' && e.state === 'interrupted');
      expect(finalStates).toHaveLength(1);
      expect(store.detail(id)).toMatchObject({ state: 'interrupted', error: expect.stringContaining('stopped unexpectedly') });
    }
  });

  it('claims a dead build for one recoverer only, and can hand it back for a later pass', async () => {
    const [id = ''] = await abandonedBuilds(1);
    expect(store.claimForRecovery(id, deadOwner, 'server')).toBe(true);
    expect(store.claimForRecovery(id, deadOwner, 'worker')).toBe(false);
    expect(store.claimForRecovery(id, 'server', deadOwner)).toBe(true);
    expect(store.claimForRecovery(id, deadOwner, 'worker')).toBe(true);
    store.finish(id, 'interrupted', { reason: 'test' });
    expect(store.claimForRecovery(id, 'worker', 'server')).toBe(false);
  });
});
