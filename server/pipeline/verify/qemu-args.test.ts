import { describe, expect, it } from 'vitest';
import { qemuBootArgs } from './qemu-args';

describe('qemuBootArgs', () => {
  const base = { disk: '/w/verify.raw', diskFormat: 'raw' as const, serialLog: '/w/serial.log' };

  it('boots virtio hardware with software emulation, a snapshot and no reboot', () => {
    const args = qemuBootArgs({ ...base, firmware: 'bios', hardware: 'virtio' }).join(' ');
    expect(args).toContain('-machine q35 -accel tcg');
    expect(args).toContain('-drive file=/w/verify.raw,if=virtio,format=raw,snapshot=on');
    expect(args).toContain('-no-reboot');
    expect(args).not.toContain('pflash');
    expect(args).not.toContain('-pidfile');
  });

  it('writes a pidfile when asked, so a hung guest can be ended by PID', () => {
    const args = qemuBootArgs({ ...base, firmware: 'bios', hardware: 'virtio', pidFile: '/w/qemu.pid' });
    expect(args.slice(args.indexOf('-pidfile'), args.indexOf('-pidfile') + 2)).toEqual(['-pidfile', '/w/qemu.pid']);
  });

  it('uses i440fx, PVSCSI and VMXNET3 for the vSphere profile', () => {
    const args = qemuBootArgs({ ...base, firmware: 'bios', hardware: 'vsphere' }).join(' ');
    expect(args).toContain('-machine pc');
    expect(args).toContain('-device pvscsi,id=scsi0');
    expect(args).toContain('-device scsi-hd,drive=disk0,bus=scsi0.0');
    expect(args).toContain('-nic user,model=vmxnet3');
  });

  it('adds OVMF with a writable variable store for UEFI', () => {
    expect(() => qemuBootArgs({ ...base, firmware: 'uefi', hardware: 'virtio' })).toThrow();
    const args = qemuBootArgs({ ...base, firmware: 'uefi', hardware: 'virtio', uefiVars: '/w/vars.fd' }).join(' ');
    expect(args).toContain('if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd');
    expect(args).toContain('if=pflash,format=raw,unit=1,file=/w/vars.fd');
  });

  it('attaches a NoCloud seed as a read-only CD-ROM on both hardware profiles, and only when given', () => {
    for (const hardware of ['virtio', 'vsphere'] as const) {
      const args = qemuBootArgs({ ...base, firmware: 'bios', hardware, seedIso: '/w/seed.iso' });
      expect(args.slice(args.indexOf('file=/w/seed.iso,format=raw,media=cdrom,readonly=on') - 1).slice(0, 2)).toEqual([
        '-drive',
        'file=/w/seed.iso,format=raw,media=cdrom,readonly=on',
      ]);
    }
    expect(qemuBootArgs({ ...base, firmware: 'bios', hardware: 'virtio' }).join(' ')).not.toContain('media=cdrom');
    expect(() => qemuBootArgs({ ...base, firmware: 'bios', hardware: 'virtio', seedIso: '/w/a,b.iso' })).toThrow();
  });

  it('leaves out the default devices only when asked for minimal devices', () => {
    expect(qemuBootArgs({ ...base, firmware: 'bios', hardware: 'virtio' })).not.toContain('-nodefaults');
    const args = qemuBootArgs({ ...base, firmware: 'bios', hardware: 'virtio', devices: 'minimal' }).join(' ');
    expect(args).toContain('-nodefaults -vga none');
    expect(args).toContain('-serial file:/w/serial.log');
  });

  it('emulates the max CPU by default, the x86-64 baseline only when asked, and the host CPU whenever KVM runs', () => {
    const cpu = (args: string[]) => args[args.indexOf('-cpu') + 1];
    expect(cpu(qemuBootArgs({ ...base, firmware: 'bios', hardware: 'virtio' }))).toBe('max');
    expect(cpu(qemuBootArgs({ ...base, firmware: 'bios', hardware: 'virtio', cpuModel: 'qemu64' }))).toBe('qemu64');
    expect(cpu(qemuBootArgs({ ...base, firmware: 'bios', hardware: 'virtio', cpuModel: 'qemu64', accel: 'kvm' }))).toBe('max');
  });

  it('refuses disk paths qemu would split into options', () => {
    expect(() => qemuBootArgs({ ...base, disk: '/w/a,b.raw', firmware: 'bios', hardware: 'virtio' })).toThrow();
  });
});
