import { rm } from 'node:fs/promises';
import { buildDiskImage } from '../disk/build-disk-image';
import { planDiskLayout } from '../disk/partition-layout';
import type { Stage } from '../stage';
import { rawDiskPath, treeDir } from '../work-layout';

/** The raw disk every output is converted from; also what `publish` uploads. */

export const diskStage: Stage = {
  name: 'disk',
  async run(ctx) {
    const tree = treeDir(ctx.workDir);
    const layout = planDiskLayout(ctx.spec.spec.disk.sizeGiB);
    await buildDiskImage({
      tree,
      diskPath: rawDiskPath(ctx.workDir),
      scratchDir: ctx.stageDir,
      layout,
      firmware: ctx.spec.spec.disk.firmware,
      exec: (command, args, options) => ctx.exec(command, args, options),
      progress: (percent, message) => ctx.progress(percent, message),
    });
    await ctx.exec('sfdisk', ['--verify', rawDiskPath(ctx.workDir)], { quiet: true });
    // the tree now lives in the disk image; dropping it halves the build's peak disk use
    await rm(tree, { recursive: true, force: true });
  },
};
