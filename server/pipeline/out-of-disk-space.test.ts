import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeImageSchema } from '../../src/spec/schema';
import { minimalInput } from '../../src/spec/test-specs';
import { outOfDiskSpace, PipelineError } from './errors';
import type { PipelineEvent } from './events';
import { runProcess } from './exec';
import { checkHostTools, runPipeline } from './run-pipeline';
import { keyDirSigner } from '../signing/sign-sums';
import { osLayerKey } from './rootfs/os-layer-key';
import { baseTreeCachePath } from './rootfs/base-tree-cache';
import { collectOsInputs } from '../sources/build-inputs';
import { sourcePolicyFromEnvironment } from '../sources/source-policy';

const isRoot = process.getuid?.() === 0;

/** A real, tiny tmpfs (root only) that fills up in a moment. */
describe.runIf(isRoot)('a build that runs out of disk space', () => {
  let base: string;
  let full: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'stamper-enospc-'));
    full = join(base, 'data');
    mkdirSync(full);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'stamper-enospc', full]);
  });
  afterEach(() => {
    execFileSync('umount', ['--lazy', full]);
    rmSync(base, { recursive: true, force: true });
  });

  it('names the directory when a tool says "No space left on device"', async () => {
    const err = await runProcess('dd', ['if=/dev/zero', `of=${join(full, 'big')}`, 'bs=1M', 'count=8']).catch((e: unknown) => e);
    const failure = await outOfDiskSpace(err, 'disk', [full, base], []);
    expect(failure?.message).toBe(`disk: out of disk space in ${full}`);
  });

  it('names the directory when one of our own writes fails with ENOSPC', async () => {
    const err = await writeFile(join(full, 'big'), Buffer.alloc(8 * 1024 * 1024)).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('ENOSPC');
    expect((await outOfDiskSpace(err, 'configure', [base, full], []))?.message).toBe(`configure: out of disk space in ${full}`);
  });

  it('blames a full work dir when a tool fails without saying why, and nothing else', async () => {
    const quiet = await runProcess('false', []).catch((e: unknown) => e);
    expect(await outOfDiskSpace(quiet, 'disk', [full], [])).toBeUndefined();
    await writeFile(join(full, 'big'), Buffer.alloc(8 * 1024 * 1024)).catch(() => undefined);
    expect((await outOfDiskSpace(quiet, 'disk', [full], []))?.message).toBe(`disk: out of disk space in ${full}`);
  });

  it('fails the rootfs stage with "out of disk space in <work dir>" when restoring the base tree fills it', async () => {
    const spec = nodeImageSchema.parse(minimalInput({ outputs: [{ format: 'raw' }], verify: { enabled: false } }));
    expect(await checkHostTools(spec)).toEqual([]);
    // A cached base tree (real tar + zstd) bigger than the work dir's file system.
    const cacheDir = join(base, 'cache');
    const content = join(base, 'content');
    mkdirSync(content);
    writeFileSync(join(content, 'usr-lib-big'), Buffer.alloc(6 * 1024 * 1024, 1));
    // the key the stage computes: the spec plus the state of the sources it reads first
    const inputs = await collectOsInputs(spec.spec, { policy: sourcePolicyFromEnvironment(process.env), signal: AbortSignal.timeout(30_000) });
    const cached = baseTreeCachePath(cacheDir, osLayerKey(spec.spec, inputs));
    mkdirSync(join(cached, '..'), { recursive: true });
    execFileSync('tar', ['-I', 'zstd', '-cpf', cached, '-C', content, '.']);

    const events: PipelineEvent[] = [];
    const workDir = join(full, 'work');
    const err = await runPipeline({
      spec,
      buildKey: 'k',
      workDir,
      outDir: join(base, 'out'),
      cacheDir,
      signal: new AbortController().signal,
      signer: keyDirSigner(join(base, 'keys')),
      emit: (e) => events.push(e),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).message).toBe(`rootfs: out of disk space in ${workDir}`);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'stage', stage: 'rootfs', status: 'failed', error: `rootfs: out of disk space in ${workDir}` }),
    );
  });
});
