// The formats stage's `containerdisk` writer (format-writers.ts): the oci-archive artifact,
// and a push to the registry the spec names, if it names one.
import { join } from 'node:path';
import { formatImageReference, parseImageReference } from '../../../src/spec/providers/image-reference';
import { resolveVersions } from '../../../src/spec/defaults';
import type { OutputSpec } from '../../../src/spec/schema';
import { type SourcePolicy, sourcePolicyFromEnvironment } from '../../sources/source-policy';
import type { StageContext } from '../stage';
import { rawDiskPath } from '../work-layout';
import { containerDiskArchiveName, containerDiskLayoutDir, writeContainerDisk } from './containerdisk';
import { qcow2ConvertArgs } from './conversions';
import type { RegistryCredentials } from './oci/registry-auth';
import { type PushedImage, pushOciImage } from './oci/registry-push';

export type ContainerDiskOutput = Extract<OutputSpec, { format: 'containerdisk' }>;

/**
 * Registry credentials come from the environment of the process that runs the build, never
 * from the spec: a spec is shared, stored and hashed into the build key. They are bound to
 * one registry host (STAMPER_REGISTRY_HOST, host[:port] as the reference writes it): the spec
 * names the registry, so a pair sent wherever a spec points would hand the operator's
 * password to whoever writes a spec.
 */
export function registryCredentialsFromEnv(registry: string, env: NodeJS.ProcessEnv = process.env): RegistryCredentials | undefined {
  const username = env.STAMPER_REGISTRY_USERNAME;
  const password = env.STAMPER_REGISTRY_PASSWORD;
  const host = env.STAMPER_REGISTRY_HOST?.trim().toLowerCase();
  if (!username || !password || !host) return undefined;
  return host === registry.toLowerCase() ? { username, password } : undefined;
}

/** The tag a containerDisk gets when the user names none: the Kubernetes version, as image-builder tags images. */
export const containerDiskTag = (kubernetesVersion: string): string => `v${kubernetesVersion}`;

export async function writeContainerDiskOutput(
  ctx: StageContext,
  output: Pick<ContainerDiskOutput, 'push'>,
  policy: SourcePolicy = sourcePolicyFromEnvironment(process.env),
): Promise<PushedImage | null> {
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
  const credentials = registryCredentialsFromEnv(reference.registry);
  if (!credentials && process.env.STAMPER_REGISTRY_USERNAME) {
    ctx.log(
      `registry credentials are set for ${process.env.STAMPER_REGISTRY_HOST ?? 'no host (STAMPER_REGISTRY_HOST is unset)'}, not for ${reference.registry}: pushing without them`,
      'info',
    );
  }
  ctx.progress(70, `pushing to ${formatImageReference(reference)}`);
  const pushed = await pushOciImage(
    disk.image.layoutDir,
    tag,
    { reference, plainHttp: output.push.plainHttp, credentials, policy },
    { signal: ctx.signal, progress: (message) => ctx.log(message, 'info') },
  );
  ctx.published({ provider: 'kubevirt', reference: pushed.reference, digest: pushed.digest });
  ctx.log(`pushed ${pushed.reference} (${reference.registry}/${reference.repository}@${pushed.digest})`, 'info');
  ctx.progress(100);
  return pushed;
}
