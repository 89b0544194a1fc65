import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportPackerTemplate } from '../src/spec/interop/packer-hcl';
import type { NodeImage } from '../src/spec/schema';
import { runPacker } from '../server/interop/run-packer';

/**
 * image-builder's method: Debian's packer (1.6.6) and its qemu builder under TCG run the
 * template Stamper exports for `image`: boot a base disk, reach it over SSH, provision the
 * node, shut down, write a qcow2. As in server/interop/packer-build.slow.test.ts, no cloud
 * image can be downloaded here, so `baseQcow2` (a Stamper build of the same release, its
 * time not counted) stands in for it; a NoCloud seed sets the password the template logs
 * in with. packer runs asynchronously: the Kubernetes stand-in served by this process must
 * answer the guest (at 10.0.2.2, QEMU's host address) meanwhile.
 */
export interface PackerRun {
  status: number | null;
  seconds: number;
  imageBytes: number;
  output: string;
}

export async function packerBuild(dir: string, image: NodeImage, baseQcow2: string): Promise<PackerRun> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'seed'), { recursive: true });
  await writeFile(join(dir, 'seed', 'user-data'), '#cloud-config\nssh_pwauth: true\npassword: stamper-build\nchpasswd: { expire: false }\n');
  await writeFile(join(dir, 'seed', 'meta-data'), 'instance-id: stamper-packer\nlocal-hostname: packer-node\n');
  const name = image.metadata.name;
  await writeFile(join(dir, `${name}.pkr.hcl`), exportPackerTemplate(image));
  const started = Date.now();
  const result = await runPacker(
    ['build', '-var', `source_image_url=file://${baseQcow2}`, '-var', 'source_image_checksum=none', '-var', 'accelerator=tcg', `${name}.pkr.hcl`],
    dir,
    30 * 60_000,
  );
  const seconds = (Date.now() - started) / 1000;
  const output = join(dir, `output-${name}`, `${name}.qcow2`);
  const imageBytes = await stat(output).then(
    (s) => s.blocks * 512,
    () => 0,
  );
  return { ...result, seconds, imageBytes };
}
