import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PipelineEvent } from '../../src/spec/build-events.ts';
import { nodeImageSchema } from '../../src/spec/schema.ts';
import type { BuildJobMessage, BuildProcessMessage } from '../builds/build-protocol.ts';
import { type ParentLines, parentSigner } from '../builds/parent-channel.ts';
import { signStage } from '../pipeline/stages/sign.ts';
import { formatSums } from '../signing/sha256sums.ts';
import { testStageContext } from './stage-context.ts';

/**
 * Scripted builds that sign, for tests of the signing round trip: the real sign stage
 * and the real child side of the protocol, against the real parent. `forge` sends a
 * list that names a file the build never announced, which the parent must refuse.
 */
export async function scriptedSignedBuild(
  job: BuildJobMessage,
  lines: ParentLines,
  send: (message: BuildProcessMessage) => void,
  forge: boolean,
): Promise<void> {
  const emit = (event: PipelineEvent): void => send({ kind: 'event', event });
  const signer = parentSigner(lines, send);
  const spec = nodeImageSchema.parse(job.spec);
  emit({ type: 'stage', stage: 'rootfs', status: 'started' });
  emit({ type: 'stage', stage: 'rootfs', status: 'succeeded', durationMs: 5 });
  const { ctx } = await testStageContext({ spec, stage: 'sign', workDir: job.workDir, outDir: job.outDir, signer, emit });
  for (const [name, format, content] of [
    ['workers.raw', 'raw', Buffer.alloc(32 * 1024, 3)],
    ['workers.spdx.json', 'spdx', '{"spdxVersion":"SPDX-2.3"}'],
  ] as const) {
    await writeFile(join(job.outDir, name), content);
    await ctx.artifacts.add({ name, format, path: join(job.outDir, name) });
  }
  emit({ type: 'stage', stage: 'sign', status: 'started' });
  try {
    if (forge) {
      await writeFile(join(job.outDir, 'extra.bin'), 'not announced');
      const entries = ctx.artifacts.list().map((a) => ({ name: a.name, sha256: a.sha256 }));
      await signer.sign(formatSums([...entries, { name: 'extra.bin', sha256: 'e'.repeat(64) }]), ctx.signal);
    } else await signStage.run(ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    emit({ type: 'stage', stage: 'sign', status: 'failed', error: message });
    send({ kind: 'failed', error: message, stage: 'sign', lastLines: [] });
    process.exitCode = 1;
    return;
  }
  emit({ type: 'stage', stage: 'sign', status: 'succeeded', durationMs: 1 });
  send({ kind: 'done', artifacts: ctx.artifacts.list() });
}
