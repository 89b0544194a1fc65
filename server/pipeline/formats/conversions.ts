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
