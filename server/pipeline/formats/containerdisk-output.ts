// ─── containerdisk registration for the formats stage ───────────────────────────────────────
// The formats stage dispatches per output format; this is the `containerdisk` entry. Until the
// schema carries a `containerdisk` output (the provider-targets work), the output's shape is
// the small one below; the merge maps the schema's output onto it.
import { join } from 'node:path';
import { resolveVersions } from '../../../src/spec/defaults';
import type { StageContext } from '../stage';
import { rawDiskPath } from '../work-layout';
import { containerDiskArchiveName, containerDiskLayoutDir, writeContainerDisk } from './containerdisk';
import { qcow2ConvertArgs } from './conversions';
import { formatImageReference, parseImageReference } from './oci/image-reference';
import type { RegistryCredentials } from './oci/registry-auth';
import { type PushedImage, pushOciImage } from './oci/registry-push';

export interface ContainerDiskOutput {
  format: 'containerdisk';
  /** Where to push it, `host[:port]/repository[:tag]`; without it only the oci-archive is written. */
  push?: { reference: string; plainHttp?: boolean };
}

/**
 * Registry credentials come from the environment of the process that runs the build, never
 * from the spec: a spec is shared, stored and hashed into the build key.
 */
export function registryCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): RegistryCredentials | undefined {
  const username = env.STAMPER_REGISTRY_USERNAME;
  const password = env.STAMPER_REGISTRY_PASSWORD;
  return username && password ? { username, password } : undefined;
}

/** The tag a containerDisk gets when the user names none: the Kubernetes version, as image-builder tags images. */
export const containerDiskTag = (kubernetesVersion: string): string => `v${kubernetesVersion}`;

export async function writeContainerDiskOutput(ctx: StageContext, output: ContainerDiskOutput): Promise<PushedImage | null> {
  const name = ctx.spec.metadata.name;
  const kubernetesVersion = resolveVersions(ctx.spec.spec).kubernetes;
  const tag = containerDiskTag(kubernetesVersion);
  // its own qcow2, zlib-compressed: every QEMU reads it (zstd qcow2 needs QEMU 5.1 or newer in virt-launcher)
  const qcow2 = join(ctx.stageDir, `${name}-containerdisk.qcow2`);
  ctx.progress(5, 'converting the disk to qcow2 for the containerDisk');
  await ctx.exec('qemu-img', qcow2ConvertArgs(rawDiskPath(ctx.workDir), qcow2, 'zlib'), { quiet: true });
  ctx.progress(50, 'writing the containerDisk OCI image');
  const disk = await writeContainerDisk({
    exec: (command, args, options) => ctx.exec(command, args, options),
    qcow2Path: qcow2,
    diskFileName: `${name}.qcow2`,
    layoutDir: containerDiskLayoutDir(ctx.stageDir),
    archivePath: join(ctx.outDir, containerDiskArchiveName(name)),
    tag,
    architecture: ctx.spec.spec.os.arch,
    created: new Date(),
    annotations: {
      'org.opencontainers.image.title': name,
      'org.opencontainers.image.version': tag,
      'org.opencontainers.image.description': `KubeVirt containerDisk: ${name}, Kubernetes v${kubernetesVersion}, built by Stamper (build ${ctx.buildKey.slice(0, 12)})`,
    },
  });
  await ctx.artifacts.add({ name: containerDiskArchiveName(name), format: 'containerdisk', path: disk.archivePath });
  ctx.log(`containerDisk ${disk.image.manifest.digest} (layer ${disk.image.layer.digest}, ${disk.image.layer.size} bytes)`, 'info');
  if (!output.push) return null;
  const reference = parseImageReference(output.push.reference, tag);
  ctx.progress(70, `pushing to ${formatImageReference(reference)}`);
  const pushed = await pushOciImage(
    disk.image.layoutDir,
    tag,
    { reference, plainHttp: output.push.plainHttp, credentials: registryCredentialsFromEnv() },
    { signal: ctx.signal, progress: (message) => ctx.log(message, 'info') },
  );
  ctx.log(`pushed ${pushed.reference} (${reference.registry}/${reference.repository}@${pushed.digest})`, 'info');
  ctx.progress(100);
  return pushed;
}
