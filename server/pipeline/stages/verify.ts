import { TEST_IMAGE_NOTICE } from '../../../src/spec/build-events';
import { readTestImage } from '../kubernetes/stand-in';
import type { Stage } from '../stage';
import { BootCheckError, bootAndCheck } from '../verify/boot-check';
import { chooseAccelerator, parseAcceleratorSetting, probeKvmOnce, readHostVirtualization } from '../verify/accelerator';
import { guestExpectations } from '../verify/expectations';
import { PipelineError } from '../errors';
import { rawDiskPath } from '../work-layout';

export const verifyStage: Stage = {
  name: 'verify',
  async run(ctx) {
    const spec = ctx.spec.spec;
    const { accel, reason } = await chooseAccelerator(parseAcceleratorSetting(process.env.STAMPER_ACCEL), await readHostVirtualization(), () =>
      probeKvmOnce(ctx.exec, ctx.signal),
    );
    ctx.log(`boot check accelerator: ${accel} (${reason})`, 'info');
    try {
      const result = await bootAndCheck({
        accel,
        sourceDisk: rawDiskPath(ctx.workDir),
        sourceFormat: 'raw',
        scratchDir: ctx.stageDir,
        // hybrid images boot either way; BIOS is the path most hypervisors take by default
        firmware: spec.disk.firmware === 'uefi' ? 'uefi' : 'bios',
        hardware: 'virtio',
        expectations: guestExpectations(ctx.spec, ctx.buildKey),
        timeoutMs: spec.verify.timeoutSeconds * 1000,
        exec: (command, args, options) => ctx.exec(command, args, options),
        progress: (percent, message) => ctx.progress(percent, message),
      });
      for (const check of result.checks) ctx.recordCheck(check);
      ctx.log(`booted and checked in ${Math.round(result.bootMs / 1000)} s under ${accel}`, 'info');
      const testImage = await readTestImage(ctx.workDir);
      if (testImage) ctx.log(`these checks ran on a ${TEST_IMAGE_NOTICE}`, 'info');
      const failed = result.checks.filter((c) => !c.ok);
      if (failed.length > 0) {
        throw new PipelineError(
          `verify failed: ${failed.map((c) => `${c.name} (${c.detail})`).join('; ')}`,
          'verify',
          failed.map((c) => `${c.name}: ${c.detail}`),
        );
      }
    } catch (err) {
      if (err instanceof BootCheckError) throw new PipelineError(err.message, 'verify', err.serialTail);
      throw err;
    }
  },
};
