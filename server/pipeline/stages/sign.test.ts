import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeImageSchema } from '../../../src/spec/schema.ts';
import { minimalInput } from '../../../src/spec/test-specs.ts';
import { keyDirSigner } from '../../signing/sign-sums.ts';
import { verifyOutputs } from '../../signing/verify-outputs.ts';
import { testStageContext } from '../../testing/stage-context.ts';
import type { Signer } from '../stage.ts';
import { signStage } from './sign.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stamper-sign-stage-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const spec = nodeImageSchema.parse(minimalInput());
const keyDir = () => join(root, 'keys');

async function contextWithArtifacts(signer: Signer) {
  const { ctx, events } = await testStageContext({ spec, stage: 'sign', workDir: join(root, 'work'), outDir: join(root, 'out'), signer });
  for (const [name, content] of [
    ['workers.qcow2', Buffer.alloc(128 * 1024, 5)],
    ['workers.spdx.json', '{}'],
  ] as const) {
    await writeFile(join(ctx.outDir, name), content);
    await ctx.artifacts.add({ name, format: name.split('.').at(-1) ?? '', path: join(ctx.outDir, name) });
  }
  return { ctx, events };
}

describe('signStage', () => {
  it("writes SHA256SUMS over the registry's artifacts, signed, and registers both files", async () => {
    const { ctx, events } = await contextWithArtifacts(keyDirSigner(keyDir()));
    await writeFile(join(ctx.outDir, 'left-over.txt'), 'not an artifact of this build');
    await signStage.run(ctx);

    const sums = await readFile(join(ctx.outDir, 'SHA256SUMS'), 'utf8');
    expect(
      sums
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(66)),
    ).toEqual(['workers.qcow2', 'workers.spdx.json']);
    const report = await verifyOutputs(ctx.outDir, { keyDir: keyDir() });
    expect(report.problems).toEqual([]);
    expect(report.unlisted).toEqual(['left-over.txt']);
    expect(ctx.artifacts.list().map((a) => `${a.name}:${a.format}`)).toEqual([
      'workers.qcow2:qcow2',
      'workers.spdx.json:json',
      'SHA256SUMS:sha256sums',
      'SHA256SUMS.sig:signature',
    ]);
    expect(events.filter((e) => e.type === 'progress').at(-1)).toMatchObject({ percent: 100 });
  });

  it("writes the list the signer signed, which may name the signer's own files", async () => {
    const extra = `${'c'.repeat(64)}  build-report.json\n`;
    const signer: Signer = { sign: async (sums, signal) => keyDirSigner(keyDir()).sign(extra + sums, signal) };
    const { ctx } = await contextWithArtifacts(signer);
    await signStage.run(ctx);
    expect(await readFile(join(ctx.outDir, 'SHA256SUMS'), 'utf8')).toMatch(/^c{64} {2}build-report\.json\n[0-9a-f]{64} {2}workers\.qcow2\n/);
  });

  it('fails when the build has nothing to sign, and when the signer refuses', async () => {
    const { ctx } = await testStageContext({ spec, stage: 'sign', workDir: join(root, 'empty'), signer: keyDirSigner(keyDir()) });
    await expect(signStage.run(ctx)).rejects.toThrow(/nothing to sign/);
    const refusing = await contextWithArtifacts({ sign: () => Promise.reject(new Error('the service refused to sign: no')) });
    await expect(signStage.run(refusing.ctx)).rejects.toThrow('the service refused to sign: no');
  });
});
