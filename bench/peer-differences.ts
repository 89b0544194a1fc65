/**
 * What is not alike between the peers bench's legs, printed with its figures so a reader
 * of the numbers sees what each one built.
 */
export interface LegContext {
  releaseTitle: string;
  containerd: string;
  kubernetes: { cold: string; warm: string };
}

export function legDifferences(leg: LegContext): string[] {
  return [
    `All legs: ${leg.releaseTitle}, ${leg.containerd}, Kubernetes ${leg.kubernetes.cold} (stand-in packages) from the same local apt repository; one after the other on this machine.`,
    `Stamper: mmdebstrap tree, GRUB for BIOS and UEFI on a 20 GiB disk, initramfs-tools, zstd-compressed qcow2; warm = Kubernetes ${leg.kubernetes.warm} on the cached OS layer; the boot-checked rows include a QEMU (TCG) boot and its checks.`,
    `Packer: boots Stamper's unchecked warm image as its base disk (not counted), provisions the node over SSH from the exported template under TCG, writes a qcow2; run once, as it keeps no cache (a second run repeats the same work).`,
    `mkosi 14: the same packages and pins without initramfs-tools, plus dracut and systemd-boot (UEFI only: a unified kernel image and a loader entry), Stamper's node settings files and containerd, on a GPT/ext4 disk mkosi sizes itself, written as an uncompressed qcow2; none of Stamper's other configure steps (users, sysprep, cloud-init datasources, package holds), no boot check; warm = the same spec again from its incremental cache, dracut rerunning. Its ESP goes through a directory (mkosi-esp-shim.ts), as this kernel has no vfat.`,
  ];
}
