import { describe, expect, it } from 'vitest';
import { renderEarlyGrubConfig, renderGrubConfig } from './grub-config';

describe('grub configuration', () => {
  it('boots the root by label with a serial console and the spec kernel args', () => {
    const cfg = renderGrubConfig(['cgroup_no_v1=all', 'audit=0']);
    expect(cfg).toContain('linux /vmlinuz root=LABEL=rootfs ro console=tty0 console=ttyS0,115200n8 cgroup_no_v1=all audit=0');
    expect(cfg).toContain('initrd /initrd.img');
    expect(cfg).toContain('serial --unit=0 --speed=115200');
  });

  it('refuses kernel args that could change the grub script', () => {
    expect(() => renderGrubConfig(['a; reboot'])).toThrow();
    expect(() => renderGrubConfig(['x\ny'])).toThrow();
    expect(() => renderGrubConfig(['$(evil)'])).toThrow();
  });

  it('finds the root by label before loading grub.cfg', () => {
    expect(renderEarlyGrubConfig()).toMatch(/^search --no-floppy --label --set=root rootfs\n/);
  });
});
