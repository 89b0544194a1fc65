import { z } from 'zod';
import { containerdIncompatibility, defaultKubernetesMinor, defaultRelease, findKubernetesMinor, findRelease, kubernetesMinors, releases } from './catalog';
import {
  absoluteFilePath,
  aptComponent,
  aptSuite,
  armoredPublicKey,
  awsRegion,
  awsTagKey,
  awsTagValue,
  dnsLabel,
  fileMode,
  fileOwner,
  groupName,
  httpUrl,
  imageReference,
  kernelArg,
  kernelModuleName,
  labelKey,
  labelValue,
  limits,
  packageRequest,
  passwordHash,
  recordWithKeys,
  s3BucketName,
  semver3,
  sha256Hex,
  sshAuthorizedKey,
  sysctlKey,
  sysctlValue,
  systemdUnitName,
  userName,
} from './field-rules';
import { secretFields } from './secret-fields';
import { checkTargetRules } from './providers/target-rules';
import { providerTargetIds } from './providers/provider-targets';

export const API_VERSION = 'stamper/v1alpha1';
export const KIND = 'NodeImage';

const defaultKubernetesVersion = kubernetesMinors.find((m) => m.minor === defaultKubernetesMinor)?.defaultVersion ?? '1.35.0';

const osSchema = z
  .object({
    distro: z.enum(['debian', 'ubuntu']).default('debian').describe('Distribution family'),
    release: z
      .enum(releases.map((r) => r.id) as [string, ...string[]])
      .default(defaultRelease)
      .describe('Release code name, e.g. trixie (Debian 13) or bookworm (Debian 12)'),
    arch: z.enum(['amd64']).default('amd64').describe('CPU architecture'),
    mirror: httpUrl.optional().describe("Package mirror; defaults to the mirror the build host's apt uses (Debian only)"),
    securityMirror: httpUrl
      .optional()
      .describe("Where the release's -security suite is served; defaults to the build host's security source (Debian) or the mirror itself (Ubuntu)"),
    keepDistroSources: z
      .boolean()
      .optional()
      .describe(
        "false leaves only spec.repositories in the image's apt sources: the distro mirror builds the image, nodes never see it (image-builder's disable_public_repos); default true",
      ),
  })
  .strict();

const upstreamRuntimeSchema = z
  .object({
    url: httpUrl.describe('containerd release tarball (upstream layout: bin/containerd, bin/containerd-shim-runc-v2, …)'),
    sha256: sha256Hex,
    runcUrl: httpUrl.optional().describe('runc static binary; the distro runc is used when absent'),
    runcSha256: sha256Hex.optional(),
  })
  .strict();

const runtimeSchema = z
  .object({
    name: z.literal('containerd').default('containerd'),
    source: z.enum(['distro', 'upstream']).default('distro').describe("distro: the release's own containerd package; upstream: release binaries by URL"),
    version: semver3.optional().describe('Required with source "upstream": the version the tarball contains'),
    upstream: upstreamRuntimeSchema.optional(),
    systemdCgroup: z.boolean().default(true).describe('Use the systemd cgroup driver (what kubeadm expects)'),
  })
  .strict();

const aptSourceSchema = z
  .object({
    type: z.literal('apt'),
    repository: httpUrl.optional().describe('Defaults to pkgs.k8s.io for the chosen minor'),
    signingKeyUrl: httpUrl.optional().describe("ASCII-armored or binary OpenPGP key; defaults to the repository's Release.key"),
  })
  .strict();

const binariesSourceSchema = z
  .object({
    type: z.literal('binaries'),
    baseUrl: httpUrl.describe('Directory holding kubelet, kubeadm, kubectl and crictl'),
    sha256: z.object({ kubelet: sha256Hex, kubeadm: sha256Hex, kubectl: sha256Hex, crictl: sha256Hex }).strict(),
  })
  .strict();

const kubernetesSchema = z
  .object({
    version: semver3.default(defaultKubernetesVersion).describe('Kubernetes version, e.g. 1.35.3'),
    source: z.discriminatedUnion('type', [aptSourceSchema, binariesSourceSchema]).default({ type: 'apt' }),
    cniVersion: semver3.optional().describe('CNI plugins version; defaults to the one paired with the Kubernetes minor'),
    crictlVersion: semver3.optional().describe('crictl version; defaults to the one paired with the Kubernetes minor'),
  })
  .strict();

const aptRepositorySchema = z
  .object({
    name: dnsLabel.describe('Names the sources file in the image: /etc/apt/sources.list.d/stamper-<name>.sources'),
    url: httpUrl.describe('Repository base URL (the directory holding dists/, or the flat repository itself)'),
    suite: aptSuite.describe('Suite or code name, e.g. "stable"; "/" (or a path ending in "/") for a flat repository'),
    components: z.array(aptComponent).min(1).max(16).optional().describe('Defaults to ["main"]; flat repositories have none'),
    signingKeyUrl: httpUrl.optional().describe('Where the OpenPGP key that signs the repository is served (armored or binary)'),
    signingKey: armoredPublicKey
      .optional()
      .describe('The signing key itself, ASCII-armored')
      .register(secretFields, { why: 'key material pasted into the spec' }),
    pin: z
      .number()
      .int()
      .min(-1000)
      .max(1001)
      .optional()
      .describe("apt Pin-Priority for this repository's host: 1001 prefers it over the distro even for older versions, 100 only fills gaps"),
  })
  .strict();

const userSchema = z
  .object({
    name: userName,
    groups: z.array(groupName).max(limits.groupsPerUser).default([]),
    sudo: z.boolean().default(false).describe('Passwordless sudo'),
    sshAuthorizedKeys: z.array(sshAuthorizedKey).max(limits.keysPerUser).default([]).register(secretFields, { why: 'key material: which keys open the node' }),
    passwordHash: passwordHash.optional().register(secretFields, { why: 'a password hash can be cracked offline' }),
    shell: z.enum(['/bin/bash', '/bin/sh', '/usr/sbin/nologin']).default('/bin/bash'),
  })
  .strict();

const fileSchema = z
  .object({
    path: absoluteFilePath,
    content: z.string().max(limits.fileContentBytes, `must be at most ${limits.fileContentBytes} characters`),
    mode: fileMode.default('0644'),
    owner: fileOwner.default('root:root'),
  })
  .strict();

/**
 * Where the file's nodes run. Absent on specs written before targets existed: such an
 * output is the bare file, with no provider's agents or datasources added (and the same
 * build key as before).
 */
const targetsField = z
  .array(z.enum(providerTargetIds))
  .max(providerTargetIds.length)
  .optional()
  .describe('Provider targets this file is for; each adds its guest agent and cloud-init datasource to the image');

const ovaOutputSchema = z
  .object({
    format: z.literal('ova'),
    targets: targetsField,
    cpus: z.number().int().min(1).max(64).default(2),
    memoryMiB: z.number().int().min(512).max(262_144).default(4096),
    hardwareVersion: z.number().int().min(10).max(21).default(15).describe('vSphere virtual hardware version (vmx-NN)'),
  })
  .strict();

const amiOutputSchema = z
  .object({
    format: z.literal('ami'),
    targets: targetsField,
    region: awsRegion,
    bucket: s3BucketName.describe('S3 bucket the raw disk is uploaded to before ImportSnapshot'),
    nameTemplate: z
      .string()
      .max(128)
      .regex(/^[A-Za-z0-9()[\]./\-'@_{} ]+$/, "may contain letters, digits, spaces, ( ) [ ] . / - ' @ _ and {placeholders}")
      .default('capa-ami-{os}-{kubernetesVersion}-{timestamp}'),
    tags: recordWithKeys(awsTagKey, awsTagValue, 50).default({}),
    bootMode: z.enum(['legacy-bios', 'uefi', 'uefi-preferred']).default('uefi-preferred'),
    copyToRegions: z.array(awsRegion).max(16).default([]),
    launchPermissions: z
      .array(z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit AWS account ID'))
      .max(64)
      .default([]),
  })
  .strict();

const outputSchema = z.discriminatedUnion('format', [
  ovaOutputSchema,
  z.object({ format: z.literal('vmdk'), targets: targetsField }).strict(),
  z.object({ format: z.literal('qcow2'), targets: targetsField, compression: z.enum(['zstd', 'zlib', 'none']).default('zstd') }).strict(),
  z.object({ format: z.literal('raw'), targets: targetsField, compression: z.enum(['none', 'zstd']).default('none') }).strict(),
  amiOutputSchema,
  z
    .object({ format: z.literal('vhd'), targets: targetsField })
    .strict()
    .describe('Fixed-size VHD (Azure)'),
  z
    .object({ format: z.literal('vhdx'), targets: targetsField })
    .strict()
    .describe('Dynamic VHDX (Hyper-V)'),
  z
    .object({ format: z.literal('gce-tar'), targets: targetsField })
    .strict()
    .describe('disk.raw in a gzip-compressed GNU tar (Google Compute Engine)'),
  z
    .object({
      format: z.literal('containerdisk'),
      targets: targetsField,
      push: z
        .object({
          reference: imageReference.describe('host[:port]/repository[:tag]; the tag defaults to v<Kubernetes version>'),
          plainHttp: z.boolean().default(false).describe('Speak http, not https, to the registry: only for a registry on a trusted network'),
        })
        .strict()
        .optional()
        .describe("Push the containerDisk to this OCI registry after the build; credentials come from the build host's environment, never from the spec"),
    })
    .strict()
    .describe('KubeVirt containerDisk: an OCI image with the disk under /disk/'),
]);

const specBodySchema = z
  .object({
    os: osSchema.default({ distro: 'debian', release: defaultRelease, arch: 'amd64' }),
    runtime: runtimeSchema.default({ name: 'containerd', source: 'distro', systemdCgroup: true }),
    kubernetes: kubernetesSchema.default({ version: defaultKubernetesVersion, source: { type: 'apt' } }),
    packages: z.array(packageRequest).max(limits.packages).default([]).describe('Extra distro packages: "name" or "name=version"'),
    repositories: z.array(aptRepositorySchema).max(limits.repositories).default([]).describe('Extra apt repositories that `packages` may come from'),
    users: z.array(userSchema).max(limits.users).default([]),
    files: z.array(fileSchema).max(limits.files).default([]),
    sysctl: recordWithKeys(sysctlKey, sysctlValue, limits.sysctls).default({}),
    kernelModules: z.array(kernelModuleName).max(limits.kernelModules).default([]).describe('Loaded at boot'),
    kernelArgs: z.array(kernelArg).max(limits.kernelArgs).default([]),
    services: z
      .object({
        enable: z.array(systemdUnitName).max(limits.services).default([]),
        disable: z.array(systemdUnitName).max(limits.services).default([]),
      })
      .strict()
      .default({ enable: [], disable: [] }),
    disk: z
      .object({
        sizeGiB: z.number().int().min(4).max(2048).default(20),
        firmware: z.enum(['bios', 'uefi', 'hybrid']).default('hybrid').describe('hybrid boots with BIOS and UEFI'),
      })
      .strict()
      .default({ sizeGiB: 20, firmware: 'hybrid' }),
    outputs: z
      .array(outputSchema)
      .min(1, 'must list at least one output')
      .max(limits.outputs)
      .default([
        { format: 'ova', targets: ['vsphere'], cpus: 2, memoryMiB: 4096, hardwareVersion: 15 },
        { format: 'qcow2', targets: ['qemu'], compression: 'zstd' },
      ]),
    verify: z
      .object({
        enabled: z.boolean().default(true).describe('Boot the image in QEMU and check the node before offering it'),
        timeoutSeconds: z.number().int().min(60).max(3600).default(600),
      })
      .strict()
      .default({ enabled: true, timeoutSeconds: 600 }),
  })
  .strict();

type SpecBody = z.output<typeof specBodySchema>;

/** Cross-field rules, reported on the field a user has to change. */
function checkSpecRules(spec: SpecBody, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

  const release = findRelease(spec.os.release);
  if (release && release.distro !== spec.os.distro) {
    issue(['os', 'release'], `${release.title} is not a ${spec.os.distro} release`);
  }
  if (release?.mirrorRequired && !spec.os.mirror) {
    issue(['os', 'mirror'], `${release.title} needs a mirror URL: this build host's apt is configured for Debian only`);
  }

  const minor = findKubernetesMinor(spec.kubernetes.version);
  if (!minor) {
    issue(
      ['kubernetes', 'version'],
      `Kubernetes ${spec.kubernetes.version} is not supported; choose one of ${kubernetesMinors.map((m) => m.minor).join(', ')}`,
    );
  }

  const { runtime } = spec;
  if (runtime.source === 'upstream') {
    if (!runtime.upstream) issue(['runtime', 'upstream'], 'source "upstream" needs the release tarball URL and its SHA-256');
    if (!runtime.version) issue(['runtime', 'version'], 'source "upstream" needs the containerd version the tarball contains');
    if (runtime.upstream?.runcUrl && !runtime.upstream.runcSha256) issue(['runtime', 'upstream', 'runcSha256'], 'a runc URL needs its SHA-256');
  } else if (runtime.upstream) {
    issue(['runtime', 'upstream'], 'only applies when source is "upstream"');
  }
  const containerdVersion = runtime.source === 'upstream' ? runtime.version : release?.containerd;
  if (minor && containerdVersion) {
    const why = containerdIncompatibility(spec.kubernetes.version, containerdVersion);
    if (why) {
      const hint = runtime.source === 'distro' ? ` (${release?.title ?? 'this release'} ships ${containerdVersion}); choose runtime source "upstream"` : '';
      issue(runtime.source === 'distro' ? ['runtime', 'source'] : ['runtime', 'version'], `${why}${hint}`);
    }
  }

  const seenFormats = new Set<string>();
  spec.outputs.forEach((output, i) => {
    if (seenFormats.has(output.format)) issue(['outputs', i, 'format'], `"${output.format}" is listed more than once`);
    seenFormats.add(output.format);
    if (output.format === 'ami') {
      if (output.bootMode === 'uefi' && spec.disk.firmware === 'bios') {
        issue(['outputs', i, 'bootMode'], 'boot mode "uefi" needs disk firmware "uefi" or "hybrid"');
      }
      if (output.bootMode === 'legacy-bios' && spec.disk.firmware === 'uefi') {
        issue(['outputs', i, 'bootMode'], 'boot mode "legacy-bios" needs disk firmware "bios" or "hybrid"');
      }
      if (output.copyToRegions.includes(output.region)) {
        issue(['outputs', i, 'copyToRegions'], 'must not repeat the region the AMI is registered in');
      }
    }
  });

  checkTargetRules(spec, issue);

  const userNames = new Set<string>();
  spec.users.forEach((user, i) => {
    if (userNames.has(user.name)) issue(['users', i, 'name'], `user "${user.name}" is listed more than once`);
    userNames.add(user.name);
    if (user.shell === '/usr/sbin/nologin' && user.sshAuthorizedKeys.length > 0) {
      issue(['users', i, 'sshAuthorizedKeys'], 'SSH keys have no effect for a user whose shell is /usr/sbin/nologin');
    }
  });

  const paths = new Set<string>();
  let totalContent = 0;
  spec.files.forEach((file, i) => {
    if (paths.has(file.path)) issue(['files', i, 'path'], `${file.path} is listed more than once`);
    paths.add(file.path);
    totalContent += file.content.length;
  });
  if (totalContent > limits.totalFileContentBytes) {
    issue(['files'], `file contents add up to ${totalContent} characters; the limit is ${limits.totalFileContentBytes}`);
  }

  checkRepositories(spec, issue);

  const both = spec.services.enable.filter((s) => spec.services.disable.includes(s));
  if (both.length > 0) issue(['services', 'disable'], `${both.join(', ')} cannot be both enabled and disabled`);
}

function checkRepositories(spec: SpecBody, issue: (path: (string | number)[], message: string) => void): void {
  const names = new Set<string>();
  spec.repositories.forEach((repo, i) => {
    if (names.has(repo.name)) issue(['repositories', i, 'name'], `repository "${repo.name}" is listed more than once`);
    names.add(repo.name);
    if (!repo.signingKey === !repo.signingKeyUrl) issue(['repositories', i, 'signingKeyUrl'], 'give exactly one of signingKeyUrl or signingKey');
    if (repo.suite.endsWith('/') && repo.components) issue(['repositories', i, 'components'], 'a flat repository (suite ending in "/") has no components');
  });
  if (spec.os.keepDistroSources === false && spec.repositories.length === 0) {
    issue(['os', 'keepDistroSources'], 'removing the distro sources needs at least one entry in repositories, or nodes have no apt source at all');
  }
}

export const nodeImageSchema = z
  .object({
    apiVersion: z.literal(API_VERSION),
    kind: z.literal(KIND),
    metadata: z
      .object({
        name: dnsLabel.describe('Image name, used in artifact file names'),
        description: z.string().max(limits.descriptionLength).optional(),
        labels: recordWithKeys(labelKey, labelValue, limits.labels).optional(),
      })
      .strict(),
    spec: specBodySchema.superRefine(checkSpecRules),
  })
  .strict();

export type NodeImage = z.output<typeof nodeImageSchema>;
export type NodeImageInput = z.input<typeof nodeImageSchema>;
export type NodeImageSpec = NodeImage['spec'];
export type OutputSpec = NodeImageSpec['outputs'][number];
export type OutputFormat = OutputSpec['format'];
export type { ProviderTargetId } from './providers/provider-targets';
export type UserSpec = NodeImageSpec['users'][number];
export type FileSpec = NodeImageSpec['files'][number];
export type AptRepositorySpec = NodeImageSpec['repositories'][number];
