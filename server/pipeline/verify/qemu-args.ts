export type VerifyFirmware = 'bios' | 'uefi';
export type VerifyHardware = 'virtio' | 'vsphere';

export interface QemuBootRequest {
  disk: string;
  diskFormat: 'raw' | 'qcow2' | 'vmdk' | 'vpc' | 'vhdx';
  firmware: VerifyFirmware;
  hardware: VerifyHardware;
  serialLog: string;
  /** Where qemu writes its PID, so the console watcher can end a guest that hangs after a panic. */
  pidFile?: string;
  /** A NoCloud seed ISO, attached as a CD-ROM (IDE on i440fx, AHCI on q35: both profiles have one). */
  seedIso?: string;
  /** Writable copy of the UEFI variable store, needed when firmware is uefi. */
  uefiVars?: string;
  memoryMiB?: number;
  cpus?: number;
  /** tcg unless the host proved KVM works (see accelerator.ts). */
  accel?: 'kvm' | 'tcg';
  /**
   * `minimal` leaves out what QEMU adds by default and the check never uses (VGA, the
   * default CD-ROM, floppy, parallel port): disk, NIC, seed and serial console stay.
   */
  devices?: 'default' | 'minimal';
  /**
   * The emulated CPU under TCG (KVM always gets the host's). `max` offers every feature TCG
   * can emulate, AVX2 among them, so the guest's libraries pick those code paths; `qemu64`
   * offers only the x86-64 baseline (bench/boot-check.ts compares the two).
   */
  cpuModel?: 'max' | 'qemu64';
}

export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

/**
 * qemu argument array for a headless software-emulated boot. `snapshot=on` keeps the
 * disk file untouched; `-no-reboot` turns the guest's reboot into an exit so a boot
 * loop ends the run instead of burning the timeout. The vSphere profile uses what an
 * OVA's VM gets: i440fx, PVSCSI disk, VMXNET3 NIC.
 */
export function qemuBootArgs(req: QemuBootRequest): string[] {
  const args = [
    '-machine',
    req.hardware === 'vsphere' ? 'pc' : 'q35',
    '-accel',
    req.accel ?? 'tcg',
    '-cpu',
    req.accel === 'kvm' ? 'max' : (req.cpuModel ?? 'max'),
    '-smp',
    String(req.cpus ?? 2),
    '-m',
    String(req.memoryMiB ?? 2048),
    '-display',
    'none',
    '-monitor',
    'none',
    '-serial',
    `file:${req.serialLog}`,
    '-no-reboot',
  ];
  if (req.devices === 'minimal') args.push('-nodefaults', '-vga', 'none');
  if (req.pidFile) args.push('-pidfile', req.pidFile);
  if (req.firmware === 'uefi') {
    if (!req.uefiVars) throw new Error('uefi boot needs a writable OVMF variable store');
    args.push('-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`);
    args.push('-drive', `if=pflash,format=raw,unit=1,file=${req.uefiVars}`);
  }
  if (req.disk.includes(',')) throw new Error('disk path must not contain commas (qemu option syntax)');
  if (req.hardware === 'vsphere') {
    args.push('-device', 'pvscsi,id=scsi0');
    args.push('-drive', `file=${req.disk},if=none,id=disk0,format=${req.diskFormat},snapshot=on`);
    args.push('-device', 'scsi-hd,drive=disk0,bus=scsi0.0');
    args.push('-nic', 'user,model=vmxnet3');
  } else {
    args.push('-drive', `file=${req.disk},if=virtio,format=${req.diskFormat},snapshot=on`);
    args.push('-nic', 'user,model=virtio-net-pci');
  }
  if (req.seedIso) {
    if (req.seedIso.includes(',')) throw new Error('seed path must not contain commas (qemu option syntax)');
    args.push('-drive', `file=${req.seedIso},format=raw,media=cdrom,readonly=on`);
  }
  return args;
}
