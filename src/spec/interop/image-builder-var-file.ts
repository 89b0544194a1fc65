import { extraRepositorySuite, renderSourceStanza } from '../apt-suites';
import { findRelease } from '../catalog';
import { resolveVersions } from '../defaults';
import type { NodeImage, NodeImageSpec, OutputSpec, ProviderTargetId } from '../schema';
import { amiNameTemplateToImageBuilder } from './ami-name-template';

/**
 * image-builder's var files (PACKER_VAR_FILES) are flat JSON objects whose values are
 * strings: image-builder hands them to Packer's `{{user ...}}` and on to Ansible as
 * `--extra-vars`, so even booleans and numbers travel as "true" and "20480".
 */
export type ImageBuilderVarFile = Record<string, string>;

export interface VarFileExport {
  varFile: ImageBuilderVarFile;
  /** The files `extra_repos` names, to put beside the var file: deb822 sources, keys embedded where the spec holds them. */
  repositoryFiles: { name: string; content: string }[];
  /** Spec fields that differ from their defaults and have no image-builder variable; the export leaves them out. */
  notCarried: string[];
}

/** pkgs.k8s.io packages carry the Debian revision "-1.1" (kubeadm 1.35.3-1.1). */
export const PKGS_K8S_IO_DEB_REVISION = '-1.1';

/** Key names exactly as image-builder's packer/config/*.json and provider templates spell them. */
export const imageBuilderKeys = {
  kubernetesSemver: 'kubernetes_semver',
  kubernetesSeries: 'kubernetes_series',
  kubernetesDebVersion: 'kubernetes_deb_version',
  kubernetesRpmVersion: 'kubernetes_rpm_version',
  kubernetesSourceType: 'kubernetes_source_type',
  kubernetesHttpSource: 'kubernetes_http_source',
  kubernetesDebRepo: 'kubernetes_deb_repo',
  kubernetesDebGpgKey: 'kubernetes_deb_gpg_key',
  cniSemver: 'kubernetes_cni_semver',
  cniDebVersion: 'kubernetes_cni_deb_version',
  cniSourceType: 'kubernetes_cni_source_type',
  crictlVersion: 'crictl_version',
  crictlSourceType: 'crictl_source_type',
  containerdVersion: 'containerd_version',
  containerdUrl: 'containerd_url',
  containerdSha256: 'containerd_sha256',
  runcUrl: 'runc_url',
  runcSha256: 'runc_sha256',
  runcVersion: 'runc_version',
  pauseImage: 'pause_image',
  extraDebs: 'extra_debs',
  extraRepos: 'extra_repos',
  disablePublicRepos: 'disable_public_repos',
  ubuntuRepo: 'ubuntu_repo',
  distroName: 'distro_name',
  distroVersion: 'distro_version',
  distroArch: 'distro_arch',
  diskSize: 'disk_size',
  firmware: 'firmware',
  cpu: 'cpu',
  memory: 'memory',
  vmxVersion: 'vmx_version',
  format: 'format',
  awsRegion: 'aws_region',
  amiRegions: 'ami_regions',
  amiUsers: 'ami_users',
  amiGroups: 'ami_groups',
  snapshotGroups: 'snapshot_groups',
  imageName: 'image_name',
} as const;

const k = imageBuilderKeys;

/** Spec → image-builder var file. Pure, so the browser can preview it before downloading. */
export function exportImageBuilderVarFile(image: NodeImage): VarFileExport {
  const spec = image.spec;
  const versions = resolveVersions(spec);
  const release = findRelease(spec.os.release);
  const varFile: ImageBuilderVarFile = {};
  const notCarried = uncarriedFields(spec);
  if (image.metadata.description) notCarried.push('metadata.description');
  if (image.metadata.labels && Object.keys(image.metadata.labels).length > 0) notCarried.push('metadata.labels');

  varFile[k.distroName] = spec.os.distro;
  if (release) varFile[k.distroVersion] = release.version;
  varFile[k.distroArch] = spec.os.arch;
  if (spec.os.mirror) {
    if (spec.os.distro === 'ubuntu') varFile[k.ubuntuRepo] = spec.os.mirror;
    else notCarried.push('spec.os.mirror');
  }

  varFile[k.kubernetesSemver] = `v${versions.kubernetes}`;
  varFile[k.kubernetesSeries] = `v${versions.kubernetesMinor}`;
  varFile[k.kubernetesDebVersion] = `${versions.kubernetes}${PKGS_K8S_IO_DEB_REVISION}`;
  varFile[k.kubernetesRpmVersion] = versions.kubernetes;
  const source = spec.kubernetes.source;
  const sourceType = source.type === 'apt' ? 'pkg' : 'http';
  varFile[k.kubernetesSourceType] = sourceType;
  if (source.type === 'apt') {
    if (versions.aptRepository) varFile[k.kubernetesDebRepo] = versions.aptRepository;
    if (versions.aptSigningKeyUrl) varFile[k.kubernetesDebGpgKey] = versions.aptSigningKeyUrl;
  } else {
    // image-builder appends /<semver>/bin/linux/<arch>/<binary> to its source; only that layout translates.
    const suffix = new RegExp(`/v${versions.kubernetes.replace(/\./g, '\\.')}/bin/linux/amd64/?$`);
    if (suffix.test(source.baseUrl)) varFile[k.kubernetesHttpSource] = source.baseUrl.replace(suffix, '');
    else notCarried.push('spec.kubernetes.source.baseUrl');
    notCarried.push('spec.kubernetes.source.sha256');
  }
  varFile[k.cniSemver] = `v${versions.cni}`;
  varFile[k.cniDebVersion] = `${versions.cni}${PKGS_K8S_IO_DEB_REVISION}`;
  varFile[k.cniSourceType] = sourceType;
  varFile[k.crictlVersion] = versions.crictl;
  varFile[k.crictlSourceType] = sourceType;
  varFile[k.pauseImage] = versions.pauseImage;

  const runtime = spec.runtime;
  if (runtime.source === 'upstream' && runtime.upstream && runtime.version) {
    varFile[k.containerdVersion] = runtime.version;
    varFile[k.containerdUrl] = runtime.upstream.url;
    varFile[k.containerdSha256] = runtime.upstream.sha256;
    if (runtime.upstream.runcUrl) varFile[k.runcUrl] = runtime.upstream.runcUrl;
    if (runtime.upstream.runcSha256) varFile[k.runcSha256] = runtime.upstream.runcSha256;
  } else if (release) {
    varFile[k.containerdVersion] = release.containerd;
  }

  varFile[k.extraDebs] = spec.packages.join(' ');
  const repositoryFiles = exportRepositories(spec, notCarried);
  varFile[k.extraRepos] = repositoryFiles.map((file) => file.name).join(' ');
  varFile[k.disablePublicRepos] = spec.os.keepDistroSources === false ? 'true' : 'false';

  varFile[k.diskSize] = String(spec.disk.sizeGiB * 1024);
  // image-builder knows "bios" and "efi"; our hybrid disk is its default, so it sets nothing.
  if (spec.disk.firmware === 'uefi') varFile[k.firmware] = 'efi';
  if (spec.disk.firmware === 'bios') varFile[k.firmware] = 'bios';

  for (const output of spec.outputs) exportOutput(output, varFile, notCarried, spec);
  return { varFile: sortedKeys(varFile), repositoryFiles, notCarried };
}

/**
 * image-builder copies each `extra_repos` file into /etc/apt/sources.list.d as it is; a
 * deb822 file with the key embedded needs nothing else. A key given by URL cannot be
 * embedded without fetching it, and image-builder has no variable for apt pins.
 */
function exportRepositories(spec: NodeImageSpec, notCarried: string[]): { name: string; content: string }[] {
  return spec.repositories.map((repo, i) => {
    if (repo.signingKeyUrl) notCarried.push(`spec.repositories[${i}].signingKeyUrl`);
    if (repo.pin !== undefined) notCarried.push(`spec.repositories[${i}].pin`);
    const stanza = renderSourceStanza(extraRepositorySuite(repo), repo.signingKey ? { armoredKey: repo.signingKey } : undefined);
    return { name: `stamper-${repo.name}.sources`, content: stanza };
  });
}

/** The provider target of image-builder's own build for each format it writes (build-node-ova-vsphere-*, build-qemu-*, build-raw-*, build-ami-*). */
const imageBuilderTargetOf: Partial<Record<OutputSpec['format'], ProviderTargetId>> = { ova: 'vsphere', qcow2: 'qemu', raw: 'raw', ami: 'aws' };

function exportOutput(output: OutputSpec, varFile: ImageBuilderVarFile, notCarried: string[], spec: NodeImageSpec): void {
  const at = `spec.outputs[${spec.outputs.indexOf(output)}]`;
  // image-builder adds a provider's agents by which build runs (its Ansible roles), not by a var-file key
  const targets = output.targets ?? [];
  if (targets.length > 0 && (targets.length > 1 || targets[0] !== imageBuilderTargetOf[output.format])) notCarried.push(`${at}.targets`);
  switch (output.format) {
    case 'ova':
      varFile[k.cpu] = String(output.cpus);
      varFile[k.memory] = String(output.memoryMiB);
      varFile[k.vmxVersion] = String(output.hardwareVersion);
      return;
    case 'qcow2':
    case 'raw':
      // The qemu builder writes one disk format; qcow2 wins when both are asked for.
      if (output.format === 'raw' && spec.outputs.some((o) => o.format === 'qcow2')) {
        notCarried.push(`${at}.format`);
        return;
      }
      varFile[k.format] = output.format;
      if ((output.format === 'qcow2' && output.compression !== 'zstd') || (output.format === 'raw' && output.compression !== 'none')) {
        notCarried.push(`${at}.compression`);
      }
      return;
    case 'vmdk':
    case 'vhd':
    case 'vhdx':
    case 'gce-tar':
    case 'containerdisk':
      notCarried.push(`${at}.format`);
      return;
    case 'ami': {
      varFile[k.awsRegion] = output.region;
      varFile[k.amiRegions] = output.copyToRegions.join(',');
      varFile[k.amiUsers] = output.launchPermissions.join(',');
      // image-builder's defaults share AMIs and snapshots with "all"; a Stamper AMI is private unless accounts are listed.
      varFile[k.amiGroups] = '';
      varFile[k.snapshotGroups] = '';
      const { imageName, untranslated } = amiNameTemplateToImageBuilder(output.nameTemplate);
      varFile[k.imageName] = imageName;
      if (untranslated.length > 0) notCarried.push(`${at}.nameTemplate`);
      notCarried.push(`${at}.bucket`);
      if (Object.keys(output.tags).length > 0) notCarried.push(`${at}.tags`);
      if (output.bootMode !== 'uefi-preferred') notCarried.push(`${at}.bootMode`);
      return;
    }
  }
}

/** Node customizations image-builder leaves to Ansible roles: no var-file key holds them. */
function uncarriedFields(spec: NodeImageSpec): string[] {
  const fields: string[] = [];
  if (spec.users.length > 0) fields.push('spec.users');
  if (spec.files.length > 0) fields.push('spec.files');
  if (Object.keys(spec.sysctl).length > 0) fields.push('spec.sysctl');
  if (spec.kernelModules.length > 0) fields.push('spec.kernelModules');
  if (spec.kernelArgs.length > 0) fields.push('spec.kernelArgs');
  if (spec.services.enable.length > 0) fields.push('spec.services.enable');
  if (spec.services.disable.length > 0) fields.push('spec.services.disable');
  if (!spec.runtime.systemdCgroup) fields.push('spec.runtime.systemdCgroup');
  if (!spec.verify.enabled || spec.verify.timeoutSeconds !== 600) fields.push('spec.verify');
  return fields;
}

function sortedKeys(varFile: ImageBuilderVarFile): ImageBuilderVarFile {
  return Object.fromEntries(Object.entries(varFile).sort(([a], [b]) => a.localeCompare(b)));
}
