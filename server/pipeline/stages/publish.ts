import { stat } from 'node:fs/promises';
import type { NodeImage } from '../../../src/spec/schema.ts';
import type { AmiOutput, AwsClients, PublishAmiOptions } from '../../publish/aws/publish-ami.ts';
import type { Stage, StageContext } from '../stage.ts';
import { rawDiskPath } from '../work-layout';

export interface PublishStageDependencies {
  clients?: AwsClients;
  timing?: PublishAmiOptions['timing'];
  now?: () => Date;
}

const amiOutputOf = (image: NodeImage): AmiOutput | undefined => image.spec.outputs.find((o): o is AmiOutput => o.format === 'ami');

export function createPublishStage(dependencies: PublishStageDependencies = {}): Stage {
  return {
    name: 'publish',
    async run(ctx) {
      const output = amiOutputOf(ctx.spec);
      if (!output) throw new Error('publish runs only for a spec with an AMI output, and this one has none');
      const diskPath = await rawDisk(ctx);
      // The AWS SDK is loaded by the builds that publish, not by every build; a failure to
      // load it fails this stage with the loader's own error.
      const { publishAmi } = await import('../../publish/aws/publish-ami.ts');
      const images = await publishAmi({
        image: ctx.spec,
        output,
        buildKey: ctx.buildKey,
        diskPath,
        signal: ctx.signal,
        onProgress: (percent, message) => ctx.progress(percent, message),
        log: (line) => ctx.log(line),
        ...(dependencies.clients ? { clients: dependencies.clients } : {}),
        ...(dependencies.timing ? { timing: dependencies.timing } : {}),
        ...(dependencies.now ? { now: dependencies.now() } : {}),
      });
      for (const image of images) {
        ctx.log(`published ${image.imageId} (${image.name}) in ${image.region}: ${image.consoleUrl}`);
        ctx.published(image);
      }
    },
  };
}

/** AWS imports the whole raw disk the disk stage wrote, not a converted format. */
async function rawDisk(ctx: StageContext): Promise<string> {
  const path = rawDiskPath(ctx.workDir);
  try {
    await stat(path);
  } catch {
    throw new Error(`publish needs the raw disk from the disk stage, and ${path} is missing`);
  }
  return path;
}

export const publishStage: Stage = createPublishStage();
