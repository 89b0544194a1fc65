import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Exec } from '../disk/build-disk-image';
import { SECTOR_BYTES } from '../disk/partition-layout';
import type { GuestExpectations } from './expectations';

const GUEST_DIR = '/var/lib/stamper-verify';

/**
 * Ordered after everything a node starts at boot, so checks see the settled system; after
 * cloud-final too, which runs the bootstrap data's runcmd (kubeadm join) the Cluster API check reads.
 */
export const VERIFY_UNIT = `[Unit]
Description=Stamper boot verification (verify copy only)
After=multi-user.target containerd.service stamper-ssh-hostkeys.service ssh.service systemd-sysctl.service systemd-modules-load.service cloud-final.service

[Service]
Type=oneshot
ExecStart=/usr/bin/python3 ${GUEST_DIR}/guest-check.py ${GUEST_DIR}/expect.json

[Install]
WantedBy=multi-user.target
`;

/** Byte offset of the root filesystem, read from the disk's own GPT. */
export async function rootPartitionOffset(exec: Exec, disk: string): Promise<number> {
  const { stdout } = await exec('sfdisk', ['--json', disk], { captureStdout: true, quiet: true });
  const table = JSON.parse(stdout) as { partitiontable: { partitions: { start: number; name?: string; type: string }[] } };
  const root = table.partitiontable.partitions.find((p) => p.name === 'root' || p.type.toUpperCase() === '0FC63DAF-8483-4772-8E79-3D69D8477DE4');
  if (!root) throw new Error('no Linux root partition in the disk image');
  return root.start * SECTOR_BYTES;
}

/**
 * Adds the check unit to a throwaway copy of the disk with debugfs, writing straight
 * into the ext4 filesystem inside the image file: the shipped artifact never contains it,
 * and no mount or loop device is needed.
 */
export async function injectGuestCheck(exec: Exec, disk: string, scratchDir: string, expectations: GuestExpectations): Promise<void> {
  if (/[\s"]/.test(scratchDir)) throw new Error(`verify scratch directory must not contain spaces or quotes: ${scratchDir}`);
  const script = join(scratchDir, 'guest-check.py');
  await writeFile(script, await readFile(new URL('./guest-check.py', import.meta.url)), { mode: 0o755 });
  const expectFile = join(scratchDir, 'expect.json');
  await writeFile(expectFile, JSON.stringify(expectations), { mode: 0o644 });
  // A panic reboots after 1 s, and qemu's -no-reboot turns that into an exit: no waiting out the
  // timeout. Named to sort first, so a kernel.panic the image sets itself still wins.
  const panicSysctl = join(scratchDir, 'stamper-verify-panic.conf');
  await writeFile(panicSysctl, 'kernel.panic = 1\n', { mode: 0o644 });
  const unitFile = join(scratchDir, 'stamper-verify.service');
  await writeFile(unitFile, VERIFY_UNIT, { mode: 0o644 });
  const commands = [
    `mkdir ${GUEST_DIR}`,
    `write ${script} ${GUEST_DIR}/guest-check.py`,
    `write ${expectFile} ${GUEST_DIR}/expect.json`,
    `write ${unitFile} /etc/systemd/system/stamper-verify.service`,
    'mkdir /etc/systemd/system/multi-user.target.wants',
    'symlink /etc/systemd/system/multi-user.target.wants/stamper-verify.service /etc/systemd/system/stamper-verify.service',
    'mkdir /etc/sysctl.d',
    `write ${panicSysctl} /etc/sysctl.d/00-stamper-verify-panic.conf`,
    // no login prompt on the check's console: agetty hangs up ttyS0 when it starts, racing the results
    'symlink /etc/systemd/system/serial-getty@ttyS0.service /dev/null',
    '',
  ].join('\n');
  const commandFile = join(scratchDir, 'debugfs.cmd');
  await writeFile(commandFile, commands);
  const offset = await rootPartitionOffset(exec, disk);
  // mkdir of an existing directory reports an error but debugfs carries on with the rest
  await exec('debugfs', ['-w', '-f', commandFile, `${disk}?offset=${offset}`], { quiet: true });
  const { stdout } = await exec('debugfs', ['-R', `stat ${GUEST_DIR}/guest-check.py`, `${disk}?offset=${offset}`], { captureStdout: true, quiet: true });
  if (!/Type: regular/.test(stdout)) throw new Error('could not add the check unit to the verify copy of the disk');
}
