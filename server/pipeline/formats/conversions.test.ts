import { describe, expect, it } from 'vitest';
import { parseQemuImgProgress, qcow2ConvertArgs, vmdkConvertArgs } from './conversions';

describe('qemu-img conversions', () => {
  it('compresses qcow2 with zstd, zlib or not at all', () => {
    expect(qcow2ConvertArgs('in', 'out', 'zstd')).toEqual([
      'convert',
      '-p',
      '-f',
      'raw',
      '-O',
      'qcow2',
      '-c',
      '-o',
      'compression_type=zstd',
      '-m',
      '8',
      '-W',
      'in',
      'out',
    ]);
    expect(qcow2ConvertArgs('in', 'out', 'zlib')).toContain('-c');
    expect(qcow2ConvertArgs('in', 'out', 'zlib')).not.toContain('compression_type=zstd');
    expect(qcow2ConvertArgs('in', 'out', 'none')).not.toContain('-c');
  });

  it('writes stream-optimized VMDKs', () => {
    expect(vmdkConvertArgs('in', 'out').join(' ')).toContain('-O vmdk -o subformat=streamOptimized');
  });

  it('reads qemu-img -p progress', () => {
    expect(parseQemuImgProgress('    (42.50/100%)')).toBe(42.5);
    expect(parseQemuImgProgress('nothing')).toBeUndefined();
  });
});

describe('provider formats', () => {
  it('writes fixed VHDs at the exact disk size, dynamic VHDX, and GNU sparse tars', async () => {
    const { vhdConvertArgs, vhdxConvertArgs, gceTarArgs } = await import('./conversions');
    expect(vhdConvertArgs('in', 'out')).toEqual(['convert', '-p', '-f', 'raw', '-O', 'vpc', '-o', 'subformat=fixed,force_size=on', 'in', 'out']);
    expect(vhdxConvertArgs('in', 'out').join(' ')).toContain('-O vhdx -o subformat=dynamic');
    expect(gceTarArgs('/d', 'x.tar.gz')).toEqual([
      '--format=oldgnu',
      '-S',
      '-c',
      '-z',
      '-f',
      'x.tar.gz',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '-C',
      '/d',
      'disk.raw',
    ]);
  });
});
