/** qemu-img argument arrays for each output; kept apart so tests can pin them. */
export function qcow2ConvertArgs(source: string, target: string, compression: 'zstd' | 'zlib' | 'none'): string[] {
  const args = ['convert', '-p', '-f', 'raw', '-O', 'qcow2'];
  if (compression !== 'none') args.push('-c');
  if (compression === 'zstd') args.push('-o', 'compression_type=zstd');
  // parallel coroutines and out-of-order writes: zlib compression is CPU-bound
  args.push('-m', '8', '-W', source, target);
  return args;
}

export function vmdkConvertArgs(source: string, target: string): string[] {
  return ['convert', '-p', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized,adapter_type=lsilogic', source, target];
}

/** qemu-img -p prints "(42.00/100%)"; turn it into a number. */
export function parseQemuImgProgress(line: string): number | undefined {
  const match = /\((\d+(?:\.\d+)?)\/100%\)/.exec(line);
  return match?.[1] ? Number(match[1]) : undefined;
}

/**
 * Azure's fixed VHD: `force_size` keeps the virtual size exactly the raw disk's (a whole
 * number of MiB, as Azure requires) instead of rounding it to a CHS geometry.
 */
export function vhdConvertArgs(source: string, target: string): string[] {
  return ['convert', '-p', '-f', 'raw', '-O', 'vpc', '-o', 'subformat=fixed,force_size=on', source, target];
}

/** Hyper-V's VHDX, dynamically expanding (Hyper-V's own default). */
export function vhdxConvertArgs(source: string, target: string): string[] {
  return ['convert', '-p', '-f', 'raw', '-O', 'vhdx', '-o', 'subformat=dynamic', source, target];
}

/** The name GCE's image import looks for inside the tarball. */
export const GCE_DISK_NAME = 'disk.raw';

/**
 * GCE imports `disk.raw` in a gzip-compressed tar in GNU format; `-S` stores the disk's
 * holes as a sparse map, so only its data is read and compressed.
 */
export function gceTarArgs(dir: string, target: string): string[] {
  return ['--format=oldgnu', '-S', '-c', '-z', '-f', target, '--owner=0', '--group=0', '--numeric-owner', '-C', dir, GCE_DISK_NAME];
}
