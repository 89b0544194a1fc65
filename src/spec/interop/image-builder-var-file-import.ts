import {
  defaultKubernetesAptRepository,
  defaultKubernetesSigningKeyUrl,
  defaultRelease,
  findKubernetesMinor,
  findRelease,
  kubernetesMinorOf,
  releases,
} from '../catalog';
import { API_VERSION, KIND, type NodeImageInput } from '../schema';
import { amiNameTemplateFromImageBuilder } from './ami-name-template';
import { imageBuilderKeys as k, PKGS_K8S_IO_DEB_REVISION } from './image-builder-var-file';

export interface UnsupportedKey {
  key: string;
  /** Why its value did not make it into the spec, in words for people. */
  reason: string;
}

/** Which var-file key a value in the imported spec came from, so a rejected value names its key. */
export interface ValueOrigin {
  path: (string | number)[];
  key: string;
}

export interface VarFileImport {
  /** A spec input; validate it with nodeImageSchema (an AMI output, for one, still needs its bucket). */
  spec: NodeImageInput;
  /** Keys whose values did not make it into the spec, each once with its reason. Never dropped silently. */
  unsupported: UnsupportedKey[];
  /** The same keys, sorted: what a script checks. */
  unsupportedKeys: string[];
  /** What the importer decided, and what to check, that is not about a key it dropped. */
  warnings: string[];
  origins: ValueOrigin[];
}

type SpecBodyInput = NonNullable<NodeImageInput['spec']>;
type OutputInput = NonNullable<SpecBodyInput['outputs']>[number];

const sha256Hex = /^[0-9a-f]{64}$/;

/**
 * Reads the values of one var file. image-builder values are strings, often wrapped in
 * escaped quotes so they survive Packer's command line (`"\"nfs-utils net-tools\""`);
 * null and "" mean "not set" there, so they mean that here too.
 */
class VarFileReader {
  private readonly values = new Map<string, string>();
  private readonly consumed = new Set<string>();
  /** key → why it was not imported; a key refused for two reasons is still listed once. */
  readonly unsupported = new Map<string, string>();
  readonly warnings: string[] = [];
  readonly origins: ValueOrigin[] = [];

  constructor(raw: Record<string, unknown>) {
    for (const [key, value] of Object.entries(raw)) {
      if (value === null || value === undefined) continue;
      const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;
      if (text === null) {
        this.reject(key, `expected a string, found ${Array.isArray(value) ? 'a list' : 'an object'}`);
        continue;
      }
      const unquoted = text
        .trim()
        .replace(/^"(.*)"$/s, '$1')
        .trim();
      if (unquoted !== '') this.values.set(key, unquoted);
    }
  }

  take(key: string): string | undefined {
    this.consumed.add(key);
    return this.values.get(key);
  }

  /** A key whose value could not be used: listed as unsupported, with the reason. */
  reject(key: string, why: string): void {
    const earlier = this.unsupported.get(key);
    this.unsupported.set(key, earlier && earlier !== why ? `${earlier}; ${why}` : why);
  }

  /** Records that the value at `path` in the spec came from `key`. */
  from(key: string, path: (string | number)[]): void {
    this.origins.push({ key, path: ['spec', ...path] });
  }

  /** A value Stamper does not need to be told; fine when it holds what Stamper does anyway. */
  expect(key: string, acceptable: readonly string[], why: string): void {
    const value = this.take(key);
    if (value !== undefined && !acceptable.includes(value)) this.reject(key, why);
  }

  leftovers(): string[] {
    return [...this.values.keys()].filter((key) => !this.consumed.has(key));
  }
}

/** image-builder var file → spec input, listing every key it could not carry over. */
export function importImageBuilderVarFile(raw: unknown, name = 'imported-node-image'): VarFileImport {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error('an image-builder var file is a JSON object of "variable": "value" pairs');
  }
  const reader = new VarFileReader(raw as Record<string, unknown>);
  const spec: SpecBodyInput = {};

  const release = importOs(reader, spec);
  importKubernetes(reader, spec);
  importRuntime(reader, spec, (release ?? findRelease(defaultRelease))?.containerd);
  importPackages(reader, spec);
  importDisk(reader, spec);
  const outputs = importOutputs(reader);
  if (outputs.length > 0) spec.outputs = outputs;

  for (const key of reader.leftovers()) reader.reject(key, 'no Stamper equivalent');
  const unsupported = [...reader.unsupported].map(([key, reason]) => ({ key, reason })).sort((a, b) => a.key.localeCompare(b.key));
  return {
    spec: { apiVersion: API_VERSION, kind: KIND, metadata: { name }, spec },
    unsupported,
    unsupportedKeys: unsupported.map((u) => u.key),
    warnings: reader.warnings,
    origins: reader.origins,
  };
}

function importOs(reader: VarFileReader, spec: SpecBodyInput): (typeof releases)[number] | undefined {
  const distro = (reader.take(k.distroName) ?? reader.take('distribution'))?.toLowerCase();
  const version = reader.take(k.distroVersion) ?? reader.take('distribution_version');
  const codename = reader.take('distribution_release');
  const arch = reader.take(k.distroArch);
  if (arch !== undefined && arch !== 'amd64') reader.reject(k.distroArch, `Stamper builds amd64 images only, not ${arch}`);

  let release: (typeof releases)[number] | undefined;
  if (distro !== undefined || version !== undefined || codename !== undefined) {
    release = releases.find(
      (r) =>
        (distro === undefined || r.distro === distro) && ((version !== undefined && r.version === version) || (codename !== undefined && r.id === codename)),
    );
    if (release) {
      spec.os = { distro: release.distro, release: release.id };
      reader.from(version !== undefined ? k.distroVersion : 'distribution_release', ['os', 'release']);
    } else {
      const key = (raw: string | undefined) => (raw !== undefined ? k.distroName : 'distribution');
      reader.reject(
        key(reader.take(k.distroName)),
        `Stamper has no ${[distro, version ?? codename].filter(Boolean).join(' ')}; the default release is used (choices: ${releases.map((r) => r.title).join(', ')})`,
      );
    }
  }
  const mirror = reader.take(k.ubuntuRepo);
  if (mirror !== undefined) {
    if (release?.distro === 'ubuntu') {
      spec.os = { ...spec.os, mirror };
      reader.from(k.ubuntuRepo, ['os', 'mirror']);
    } else reader.reject(k.ubuntuRepo, 'only applies to Ubuntu releases');
  }
  return release;
}

function importKubernetes(reader: VarFileReader, spec: SpecBodyInput): void {
  const semver = reader.take(k.kubernetesSemver)?.replace(/^v/, '');
  const debVersion = reader.take(k.kubernetesDebVersion);
  const version = semver ?? debVersion?.replace(/^\d+:/, '').split('-')[0];
  if (version === undefined) {
    reader.warnings.push('no kubernetes_semver: the default Kubernetes version is used');
    reader.take(k.kubernetesSeries);
    reader.take(k.kubernetesRpmVersion);
    return;
  }
  const kubernetes: NonNullable<SpecBodyInput['kubernetes']> = { version };
  spec.kubernetes = kubernetes;
  reader.from(semver !== undefined ? k.kubernetesSemver : k.kubernetesDebVersion, ['kubernetes', 'version']);
  const minor = kubernetesMinorOf(version);

  const series = reader.take(k.kubernetesSeries);
  if (series !== undefined && series.replace(/^v/, '') !== minor)
    reader.reject(k.kubernetesSeries, `${series} does not match kubernetes_semver v${version}; the series follows the version`);
  if (debVersion !== undefined && semver !== undefined && !debVersion.startsWith(`${version}-`)) {
    reader.reject(
      k.kubernetesDebVersion,
      `${debVersion} does not match kubernetes_semver v${version}; packages ${version}${PKGS_K8S_IO_DEB_REVISION} are installed`,
    );
  }
  const rpmVersion = reader.take(k.kubernetesRpmVersion);
  if (rpmVersion !== undefined && rpmVersion.split('-')[0] !== version)
    reader.reject(k.kubernetesRpmVersion, `${rpmVersion} does not match kubernetes_semver v${version}`);

  const defaults = resolveKubernetesDefaults(version);
  const sourceType = reader.take(k.kubernetesSourceType);
  if (sourceType === 'http') {
    reader.reject(k.kubernetesSourceType, 'binaries by URL need a SHA-256 per binary, which a var file does not carry; the apt repository is used instead');
    if (reader.take(k.kubernetesHttpSource) !== undefined)
      reader.reject(k.kubernetesHttpSource, 'binaries by URL are not imported (see kubernetes_source_type)');
  } else if (sourceType !== undefined && sourceType !== 'pkg') {
    reader.reject(k.kubernetesSourceType, `unknown source type "${sourceType}"; the apt repository is used`);
  }
  const repo = reader.take(k.kubernetesDebRepo)?.replace(/\{\{\s*user\s+`kubernetes_series`\s*\}\}/g, `v${minor}`);
  const gpgKey = reader.take(k.kubernetesDebGpgKey)?.replace(/\{\{\s*user\s+`kubernetes_series`\s*\}\}/g, `v${minor}`);
  const source: { type: 'apt'; repository?: string; signingKeyUrl?: string } = { type: 'apt' };
  const legacyRepo = repo !== undefined && /\s/.test(repo);
  if (legacyRepo) reader.reject(k.kubernetesDebRepo, `"${repo}" is a legacy "URL suite" line (apt.kubernetes.io is gone); pkgs.k8s.io is used`);
  else if (repo !== undefined && repo !== defaults?.aptRepository) {
    source.repository = repo;
    reader.from(k.kubernetesDebRepo, ['kubernetes', 'source', 'repository']);
  }
  const expectedKey = source.repository ? `${source.repository.replace(/\/?$/, '/')}Release.key` : defaults?.aptSigningKeyUrl;
  if (gpgKey !== undefined && gpgKey !== expectedKey) {
    // The key of a rejected legacy repository would not verify pkgs.k8s.io.
    if (legacyRepo) reader.reject(k.kubernetesDebGpgKey, 'belongs to the legacy repository; the pkgs.k8s.io key is used');
    else {
      source.signingKeyUrl = gpgKey;
      reader.from(k.kubernetesDebGpgKey, ['kubernetes', 'source', 'signingKeyUrl']);
    }
  }
  if (source.repository !== undefined || source.signingKeyUrl !== undefined) kubernetes.source = source;

  const cni = reader.take(k.cniSemver)?.replace(/^v/, '');
  if (cni !== undefined && cni !== defaults?.cni) {
    kubernetes.cniVersion = cni;
    reader.from(k.cniSemver, ['kubernetes', 'cniVersion']);
    if (defaults)
      reader.warnings.push(
        `${k.cniSemver} v${cni} is not the CNI plugins version the catalog pairs with Kubernetes ${minor} (${defaults.cni}): check that the Kubernetes repository serves kubernetes-cni ${cni}`,
      );
  }
  const cniDeb = reader.take(k.cniDebVersion);
  if (cniDeb !== undefined && cni !== undefined && !cniDeb.startsWith(`${cni}-`))
    reader.reject(k.cniDebVersion, `${cniDeb} does not match kubernetes_cni_semver v${cni}`);
  const crictl = reader.take(k.crictlVersion)?.replace(/^v/, '');
  if (crictl !== undefined && crictl !== defaults?.crictl) {
    kubernetes.crictlVersion = crictl;
    reader.from(k.crictlVersion, ['kubernetes', 'crictlVersion']);
    if (defaults)
      reader.warnings.push(
        `${k.crictlVersion} v${crictl} is not the crictl version the catalog pairs with Kubernetes ${minor} (${defaults.crictl}): check that the Kubernetes repository serves cri-tools ${crictl}`,
      );
  }
  // Where image-builder downloads CNI and crictl from does not change the image; Stamper picks its own source.
  reader.expect(k.cniSourceType, ['pkg', 'http'], 'unknown source type');
  reader.expect(k.crictlSourceType, ['pkg', 'http'], 'unknown source type');

  const pause = reader.take(k.pauseImage);
  if (pause !== undefined && defaults && pause !== defaults.pauseImage) {
    reader.reject(k.pauseImage, `Stamper configures the pause image paired with Kubernetes ${minor} (${defaults.pauseImage})`);
  }
}

function importRuntime(reader: VarFileReader, spec: SpecBodyInput, distroContainerd: string | undefined): void {
  const version = reader.take(k.containerdVersion)?.replace(/^v/, '');
  const url = reader.take(k.containerdUrl);
  const sha256 = reader.take(k.containerdSha256)?.toLowerCase();
  const runcUrl = reader.take(k.runcUrl);
  const runcSha256 = reader.take(k.runcSha256)?.toLowerCase();
  reader.take(k.runcVersion);

  if (url !== undefined && url.includes('{{')) {
    reader.reject(k.containerdUrl, 'a Packer template expression, not a URL; the distro containerd is used');
  } else if (url !== undefined) {
    if (sha256 === undefined || !sha256Hex.test(sha256)) {
      reader.reject(k.containerdSha256, "Stamper needs the tarball's SHA-256 as 64 hex digits (not a checksum URL); the distro containerd is used");
      reader.reject(k.containerdUrl, 'not imported without its SHA-256 (see containerd_sha256)');
    } else {
      const upstream: { url: string; sha256: string; runcUrl?: string; runcSha256?: string } = { url, sha256 };
      reader.from(k.containerdUrl, ['runtime', 'upstream']);
      reader.from(k.containerdUrl, ['runtime', 'upstream', 'url']);
      reader.from(k.containerdSha256, ['runtime', 'upstream', 'sha256']);
      if (runcUrl !== undefined && runcSha256 !== undefined && sha256Hex.test(runcSha256)) {
        upstream.runcUrl = runcUrl;
        upstream.runcSha256 = runcSha256;
        reader.from(k.runcUrl, ['runtime', 'upstream', 'runcUrl']);
        reader.from(k.runcSha256, ['runtime', 'upstream', 'runcSha256']);
      } else if (runcUrl !== undefined) reader.reject(k.runcUrl, 'needs runc_sha256 as 64 hex digits; the distro runc is used');
      spec.runtime = { source: 'upstream', upstream, ...(version !== undefined ? { version } : {}) };
      if (version !== undefined) reader.from(k.containerdVersion, ['runtime', 'version']);
      if (version === undefined) reader.warnings.push('containerd_url without containerd_version: set runtime.version to the version the tarball contains');
      return;
    }
  }
  if (runcUrl !== undefined) reader.reject(k.runcUrl, 'only applies with an upstream containerd (containerd_url and containerd_sha256)');
  if (version !== undefined && distroContainerd !== undefined && version !== distroContainerd) {
    reader.reject(
      k.containerdVersion,
      `image-builder downloads containerd ${version}; without containerd_url and a SHA-256 Stamper installs the release's containerd ${distroContainerd}`,
    );
  }
}

function importPackages(reader: VarFileReader, spec: SpecBodyInput): void {
  const debs = reader.take(k.extraDebs);
  if (debs !== undefined) {
    spec.packages = debs.split(/\s+/).filter(Boolean);
    reader.from(k.extraDebs, ['packages']);
  }
  const repos = reader.take(k.extraRepos);
  if (repos !== undefined)
    reader.reject(k.extraRepos, `names repository files on the Packer host (${repos}), which an import cannot read: add each repository to spec.repositories`);
  const disablePublic = reader.take(k.disablePublicRepos);
  if (disablePublic === 'true') {
    spec.os = { ...spec.os, keepDistroSources: false };
    reader.warnings.push('disable_public_repos: the distro mirror still builds the image; the image keeps only spec.repositories as apt sources');
  } else if (disablePublic !== undefined && disablePublic !== 'false')
    reader.reject(k.disablePublicRepos, `expected "true" or "false", found "${disablePublic}"`);
}

function importDisk(reader: VarFileReader, spec: SpecBodyInput): void {
  const diskSize = reader.take(k.diskSize);
  const firmware = reader.take(k.firmware);
  const disk: { sizeGiB?: number; firmware?: 'bios' | 'uefi' | 'hybrid' } = {};
  if (diskSize !== undefined) {
    const mib = Number(diskSize);
    if (!Number.isInteger(mib) || mib <= 0) reader.reject(k.diskSize, `"${diskSize}" is not a size in MiB`);
    else {
      disk.sizeGiB = Math.ceil(mib / 1024);
      reader.from(k.diskSize, ['disk', 'sizeGiB']);
      if (mib % 1024 !== 0) reader.warnings.push(`disk_size ${mib} MiB rounded up to ${disk.sizeGiB} GiB`);
    }
  }
  if (firmware === 'efi' || firmware === 'bios') {
    disk.firmware = firmware === 'efi' ? 'uefi' : 'bios';
    reader.from(k.firmware, ['disk', 'firmware']);
  } else if (firmware !== undefined) reader.reject(k.firmware, `unknown firmware "${firmware}" (image-builder uses "bios" or "efi")`);
  if (disk.sizeGiB !== undefined || disk.firmware !== undefined) spec.disk = disk;
}

function importOutputs(reader: VarFileReader): OutputInput[] {
  const outputs: OutputInput[] = [];
  const cpu = reader.take(k.cpu);
  const memory = reader.take(k.memory);
  const vmx = reader.take(k.vmxVersion);
  if (cpu !== undefined || memory !== undefined || vmx !== undefined) {
    const at = (field: string) => ['outputs', outputs.length, field];
    if (cpu !== undefined) reader.from(k.cpu, at('cpus'));
    if (memory !== undefined) reader.from(k.memory, at('memoryMiB'));
    if (vmx !== undefined) reader.from(k.vmxVersion, at('hardwareVersion'));
    outputs.push({
      format: 'ova',
      targets: ['vsphere'],
      ...(cpu !== undefined ? { cpus: Number(cpu) } : {}),
      ...(memory !== undefined ? { memoryMiB: Number(memory) } : {}),
      ...(vmx !== undefined ? { hardwareVersion: Number(vmx) } : {}),
    });
  }
  const format = reader.take(k.format);
  if (format === 'qcow2') outputs.push({ format, targets: ['qemu'] });
  else if (format === 'raw') outputs.push({ format, targets: ['raw'] });
  else if (format !== undefined) reader.reject(k.format, `unknown disk format "${format}" (qcow2 or raw)`);

  const region = reader.take(k.awsRegion);
  const amiRegions = reader.take(k.amiRegions);
  const amiUsers = reader.take(k.amiUsers);
  const imageName = reader.take(k.imageName);
  reader.expect(k.amiGroups, [], 'public AMIs ("all") are not offered; list account IDs in ami_users');
  reader.expect(k.snapshotGroups, [], 'public snapshots ("all") are not offered');
  if (region === undefined) {
    for (const [key, value] of [
      [k.amiRegions, amiRegions],
      [k.amiUsers, amiUsers],
      [k.imageName, imageName],
    ] as const) {
      if (value !== undefined) reader.reject(key, 'only applies with aws_region');
    }
    return outputs;
  }
  const list = (value: string | undefined) =>
    (value ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  const ami: Extract<OutputInput, { format: 'ami' }> = { format: 'ami', targets: ['aws'], region, bucket: '' };
  const at = (field: string) => ['outputs', outputs.length, field];
  reader.from(k.awsRegion, at('region'));
  const copyTo = list(amiRegions).filter((r) => r !== region);
  if (copyTo.length > 0) {
    ami.copyToRegions = copyTo;
    reader.from(k.amiRegions, at('copyToRegions'));
  }
  const users = list(amiUsers);
  if (users.length > 0) {
    ami.launchPermissions = users;
    reader.from(k.amiUsers, at('launchPermissions'));
  }
  if (imageName !== undefined) {
    const template = amiNameTemplateFromImageBuilder(imageName);
    if (template !== null) {
      ami.nameTemplate = template;
      reader.from(k.imageName, at('nameTemplate'));
    } else reader.reject(k.imageName, 'uses Packer variables without a Stamper placeholder ({os}, {kubernetesVersion}, {timestamp}); the default name is used');
  }
  reader.warnings.push('the AMI output needs the S3 bucket that ImportSnapshot reads from: set outputs[].bucket');
  outputs.push(ami);
  return outputs;
}

/** What the catalog pairs with a Kubernetes version, so imported pins equal to it stay implicit. */
function resolveKubernetesDefaults(version: string) {
  const minor = findKubernetesMinor(version);
  if (!minor) return undefined;
  return {
    cni: minor.cniVersion,
    crictl: minor.crictlVersion,
    pauseImage: minor.pauseImage,
    aptRepository: defaultKubernetesAptRepository(minor.minor),
    aptSigningKeyUrl: defaultKubernetesSigningKeyUrl(minor.minor),
  };
}
