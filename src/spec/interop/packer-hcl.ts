import { findRelease } from '../catalog';
import type { NodeImage } from '../schema';
import { nodeSetupScripts } from './node-setup-scripts';

/**
 * A standalone Packer HCL2 template that reproduces a spec the Packer way: boot the
 * distro's cloud image in QEMU and run the node configuration as shell provisioners.
 * Written for the HCL2 subset of Packer 1.6 (Debian's packer): no `packer {}` block,
 * no required_plugins, no http_content, so `packer validate` works there and on newer
 * Packers alike.
 */
export function exportPackerTemplate(specImage: NodeImage): string {
  const { image, rewritten } = guestReachable(specImage);
  const { spec } = image;
  const source = cloudImageFor(image);
  const sourceName = image.metadata.name.replace(/-/g, '_');
  const diskFormat = spec.outputs.some((o) => o.format === 'qcow2') || !spec.outputs.some((o) => o.format === 'raw') ? 'qcow2' : 'raw';
  const skipped = spec.outputs.map((o) => o.format).filter((f) => f !== diskFormat);

  const header = [
    `Packer template for the Stamper NodeImage "${image.metadata.name}": Kubernetes ${spec.kubernetes.version} on ${source.title}.`,
    `It boots the ${source.title} cloud image with QEMU and applies the same node configuration as Stamper, producing a ${diskFormat} disk.`,
    ...(skipped.length > 0 ? [`Not produced here (Stamper builds them without a hypervisor): ${skipped.join(', ')}.`] : []),
    '',
    'Packer reaches the VM over SSH with a password that a cloud-init seed sets. Create the seed first:',
    '  mkdir -p seed',
    `  printf '#cloud-config\\nssh_pwauth: true\\npassword: stamper-build\\nchpasswd: { expire: false }\\n' > seed/user-data`,
    `  printf 'instance-id: stamper-packer\\nlocal-hostname: ${image.metadata.name}\\n' > seed/meta-data`,
    "Then (the image's checksum is in SHA512SUMS/SHA256SUMS beside it):",
    `  packer build -var 'source_image_checksum=${source.checksumKind}:<hex from ${source.checksumsUrl}>' ${image.metadata.name}.pkr.hcl`,
    'Without /dev/kvm add -var accelerator=tcg (much slower).',
    ...(rewritten.length > 0
      ? [
          '',
          `Inside the QEMU VM 127.0.0.1 is the guest itself; the host is ${qemuHostAddress} on QEMU's user network, so these source URLs were rewritten:`,
          ...rewritten.map((r) => `  ${r.from} -> ${r.to}`),
        ]
      : []),
  ];

  const variables: [string, string, string][] = [
    ['source_image_url', source.url, 'Cloud image to start from'],
    ['source_image_checksum', '', `"${source.checksumKind}:<hex>" from ${source.checksumsUrl}, or "file:${source.checksumsUrl}"`],
    ['ssh_username', source.user, "The cloud image's default user"],
    ['ssh_password', 'stamper-build', 'Must match the password in seed/user-data'],
    ['seed_directory', 'seed', 'Holds the cloud-init user-data and meta-data Packer serves to the VM'],
    ['accelerator', 'kvm', 'kvm, or tcg where there is no /dev/kvm'],
    ['output_directory', `output-${image.metadata.name}`, 'Where the disk is written'],
  ];

  const lines: string[] = header.map((line) => (line ? `# ${line}` : '#'));
  lines.push('');
  for (const [name, defaultValue, description] of variables) {
    lines.push(`variable ${hclString(name)} {`, '  type        = string', `  description = ${hclString(description)}`);
    if (name !== 'source_image_checksum') lines.push(`  default     = ${hclString(defaultValue)}`);
    lines.push('}', '');
  }
  lines.push(
    `source "qemu" ${hclString(sourceName)} {`,
    '  iso_url          = var.source_image_url',
    '  iso_checksum     = var.source_image_checksum',
    '  disk_image       = true',
    `  disk_size        = ${hclString(`${spec.disk.sizeGiB}G`)}`,
    `  format           = ${hclString(diskFormat)}`,
    '  accelerator      = var.accelerator',
    '  headless         = true',
    '  cpus             = 2',
    '  memory           = 2048',
    '  disk_interface   = "virtio"',
    '  net_device       = "virtio-net"',
    '  http_directory   = var.seed_directory',
    "  # cloud-init fetches user-data and meta-data from Packer's HTTP server (NoCloud over the network)",
    '  qemuargs         = [["-smbios", "type=1,serial=ds=nocloud-net;s=http://{{ .HTTPIP }}:{{ .HTTPPort }}/"]]',
    '  ssh_username     = var.ssh_username',
    '  ssh_password     = var.ssh_password',
    '  ssh_timeout      = "30m"',
    '  shutdown_command = "sudo shutdown -P now"',
    '  output_directory = var.output_directory',
    `  vm_name          = ${hclString(`${image.metadata.name}.${diskFormat}`)}`,
    '}',
    '',
    'build {',
    `  sources = [${hclString(`source.qemu.${sourceName}`)}]`,
  );
  for (const { name, script } of nodeSetupScripts(image)) {
    if (!script) continue;
    lines.push(
      '',
      `  # ${name}`,
      '  provisioner "shell" {',
      '    environment_vars = ["BUILD_USER=${var.ssh_username}"]',
      // {{ .Vars }} carries environment_vars (BUILD_USER) to the script; sudo -E keeps them past sudo.
      `    execute_command  = "chmod +x {{ .Path }}; {{ .Vars }} sudo -E bash -eu -o pipefail '{{ .Path }}'"`,
      `    inline = [${hclHeredoc(script)}]`,
      '  }',
    );
  }
  lines.push('}', '');
  return lines.join('\n');
}

interface CloudImage {
  title: string;
  url: string;
  checksumsUrl: string;
  checksumKind: 'sha512' | 'sha256';
  user: string;
}

function cloudImageFor(image: NodeImage): CloudImage {
  const release = findRelease(image.spec.os.release);
  const id = image.spec.os.release;
  const title = release?.title ?? id;
  if (image.spec.os.distro === 'ubuntu') {
    const base = `https://cloud-images.ubuntu.com/${id}/current/`;
    return { title, url: `${base}${id}-server-cloudimg-amd64.img`, checksumsUrl: `${base}SHA256SUMS`, checksumKind: 'sha256', user: 'ubuntu' };
  }
  const base = `https://cloud.debian.org/images/cloud/${id}/latest/`;
  return {
    title,
    url: `${base}debian-${release?.version ?? ''}-generic-amd64.qcow2`,
    checksumsUrl: `${base}SHA512SUMS`,
    checksumKind: 'sha512',
    user: 'debian',
  };
}

/** HCL reads ${ and %{ as template syntax even in quoted strings and heredocs; $${ and %%{ are the literals. */
const escapeTemplate = (text: string): string => text.replace(/([$%])\{/g, (_match, sigil: string) => `${sigil}${sigil}{`);

export function hclString(text: string): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return `"${escapeTemplate(escaped)}"`;
}

/** A heredoc whose end marker cannot occur in the text. */
export function hclHeredoc(text: string): string {
  let marker = 'STAMPER_SCRIPT';
  for (let n = 1; text.split('\n').some((line) => line.trim() === marker); n += 1) marker = `STAMPER_SCRIPT_${n}`;
  return `<<${marker}\n${escapeTemplate(text)}\n${marker}\n`;
}

/** The build host as the guest sees it on QEMU's user-mode network (slirp). */
const qemuHostAddress = '10.0.2.2';
const loopbackUrl = /^(https?:\/\/)(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?=[:/]|$)/i;

interface Rewrite {
  from: string;
  to: string;
}

/**
 * The spec with the URLs it downloads from (Kubernetes source, container runtime) moved from
 * loopback to the QEMU host address, so a repository served on the build host is reachable
 * from the Packer VM. Only those two subtrees: a file's content that happens to be a URL stays.
 */
function guestReachable(image: NodeImage): { image: NodeImage; rewritten: Rewrite[] } {
  const rewritten: Rewrite[] = [];
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (!loopbackUrl.test(value)) return value;
      const to = value.replace(loopbackUrl, `$1${qemuHostAddress}`);
      rewritten.push({ from: value, to });
      return to;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  const spec = {
    ...image.spec,
    kubernetes: walk(image.spec.kubernetes) as NodeImage['spec']['kubernetes'],
    runtime: walk(image.spec.runtime) as NodeImage['spec']['runtime'],
  };
  return { image: { ...image, spec }, rewritten };
}
