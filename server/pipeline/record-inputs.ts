import type { BuildInput } from '../../src/spec/build-inputs';
import { collectKubernetesInputs, collectOsInputs, type InputFetchOptions } from '../sources/build-inputs';
import { sourcePolicyFromEnvironment } from '../sources/source-policy';
import type { StageContext } from './stage';

type Collect = (spec: StageContext['spec']['spec'], options: InputFetchOptions) => Promise<BuildInput[]>;

/**
 * Reads the state of the sources a stage installs from, before it installs anything, and
 * records it with the build. The OS layer's cache key includes the rootfs stage's, so a
 * base tree cached before the archive moved on is never restored into a newer build.
 */
export const recordOsInputs = (ctx: StageContext, mirror: string): Promise<BuildInput[]> => recordInputs(ctx, collectOsInputs, mirror);
export const recordKubernetesInputs = (ctx: StageContext): Promise<BuildInput[]> => recordInputs(ctx, collectKubernetesInputs);

async function recordInputs(ctx: StageContext, collect: Collect, mirror?: string): Promise<BuildInput[]> {
  let inputs: BuildInput[];
  try {
    inputs = await collect(ctx.spec.spec, { policy: sourcePolicyFromEnvironment(process.env), signal: ctx.signal, hostMirror: mirror });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    throw new Error(`could not read the state of the build's sources: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  for (const input of inputs) {
    ctx.log(
      input.kind === 'apt' ? `input ${input.releaseUrl} ${input.date ?? 'undated'} sha256:${input.sha256}` : `input ${input.name} sha256:${input.sha256}`,
    );
  }
  ctx.recordInputs(inputs);
  return inputs;
}
