import { copyFile, link, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findRelease } from '../../../src/spec/catalog';
import { resolveVersions } from '../../../src/spec/defaults';
import { vsphereOvfProperties, vsphereProduct, type MetadataInput } from '../../../src/spec/providers/target-metadata';
import type { OutputSpec } from '../../../src/spec/schema';
import { sha256File } from '../../signing/sha256sums';
import type { StageContext } from '../stage';
import { renderOvfDescriptor, renderOvfManifest } from './ovf-descriptor';

export type OvaOutput = Extract<OutputSpec, { format: 'ova' }>;

/** OVF descriptor + manifest + the stream-optimized VMDK, tarred as OVF 1.0 requires. Returns the OVA's path. */
export async function writeOva(ctx: StageContext, ova: OvaOutput, vmdkPath: string, facts: MetadataInput): Promise<string> {
  const spec = ctx.spec.spec;
  const name = ctx.spec.metadata.name;
  const versions = resolveVersions(spec);
  const release = findRelease(spec.os.release);
  const dir = join(ctx.stageDir, 'ova');
  await ctx.exec('mkdir', ['-p', dir]);
  const diskFile = `${name}-disk1.vmdk`;
  const diskInOva = join(dir, diskFile);
  await rm(diskInOva, { force: true });
  await link(vmdkPath, diskInOva).catch(() => copyFile(vmdkPath, diskInOva));
  const ovfFile = `${name}.ovf`;
  const ovf = renderOvfDescriptor({
    name,
    diskFile,
    diskFileBytes: (await stat(diskInOva)).size,
    diskCapacityBytes: spec.disk.sizeGiB * 1024 ** 3,
    cpus: ova.cpus,
    memoryMiB: ova.memoryMiB,
    hardwareVersion: ova.hardwareVersion,
    firmware: spec.disk.firmware === 'uefi' ? 'efi' : 'bios',
    guest: { distro: spec.os.distro, version: release?.version ?? '', release: spec.os.release },
    productVersion: `v${versions.kubernetes}`,
    ...vsphereProduct(facts),
    properties: vsphereOvfProperties(facts),
  });
  await writeFile(join(dir, ovfFile), ovf);
  const mfFile = `${name}.mf`;
  const manifest = renderOvfManifest([
    { file: ovfFile, sha256: await sha256File(join(dir, ovfFile)) },
    { file: diskFile, sha256: await sha256File(diskInOva) },
  ]);
  await writeFile(join(dir, mfFile), manifest);
  const target = join(ctx.outDir, `${name}.ova`);
  // OVF 1.0 requires the descriptor first, then the manifest, then the disks, in a ustar tar
  await ctx.exec('tar', ['--format=ustar', '--owner=0', '--group=0', '--numeric-owner', '-cf', target, '-C', dir, ovfFile, mfFile, diskFile]);
  return target;
}
