import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runProcess } from '../server/pipeline/exec';
import { prepareEspShim } from './mkosi-esp-shim';

/**
 * mkosi 14 (Debian 12's) building a bootable GPT/ext4 image (systemd-boot, a dracut unified
 * kernel image) of the given packages, written as qcow2. It needs root and loop devices, and mounts the
 * image's ESP, which this host's kernel cannot: see mkosi-esp-shim.ts for how it gets
 * through. The skeleton tree lands before apt runs (extra repositories and their keys), the
 * extra tree after the packages (files the packages do not bring).
 */
export interface MkosiRun {
  seconds: number;
  imageBytes: number;
  output: string;
}

export interface MkosiInput {
  release: string;
  mirror: string;
  packages: readonly string[];
  cacheDir: string;
  skeletonTree?: string;
  extraTree?: string;
}

export async function mkosiBuild(dir: string, input: MkosiInput): Promise<MkosiRun> {
  await mkdir(input.cacheDir, { recursive: true });
  const shim = await prepareEspShim(join(dir, 'esp-shim'));
  const image = join(dir, 'out', 'image.qcow2');
  await mkdir(join(dir, 'out'), { recursive: true });
  await rm(image, { force: true });
  const trees = [...(input.skeletonTree ? ['--skeleton-tree', input.skeletonTree] : []), ...(input.extraTree ? ['--extra-tree', input.extraTree] : [])];
  const lines: string[] = [];
  const started = Date.now();
  const [command = 'unshare', ...prefix] = shim;
  await runProcess(
    command,
    [
      ...prefix,
      'mkosi',
      '--distribution',
      'debian',
      '--release',
      input.release,
      '--mirror',
      input.mirror,
      '--format',
      'gpt_ext4',
      '--bootable',
      // a qcow2, as the other legs write (mkosi's is uncompressed: qemu-img convert without -c)
      '--qcow2',
      '--incremental',
      '--cache',
      input.cacheDir,
      '--output',
      image,
      '--package',
      input.packages.join(','),
      // Stamper's consoles, so a boot of either image shows on the serial port
      '--kernel-command-line',
      'console=tty0 console=ttyS0,115200n8',
      ...trees,
      // no systemd runs on this host: without it nspawn would ask the system bus for a scope unit
      '--nspawn-keep-unit',
      '--force',
      'build',
    ],
    {
      signal: new AbortController().signal,
      timeoutMs: 30 * 60_000,
      onLine: (line) => {
        lines.push(line);
        if (lines.length > 400) lines.shift();
      },
    },
  ).catch((err: unknown) => {
    throw new Error(`mkosi failed: ${err instanceof Error ? err.message : String(err)}\n${lines.slice(-60).join('\n')}`);
  });
  const seconds = (Date.now() - started) / 1000;
  return { seconds, imageBytes: (await stat(image)).blocks * 512, output: lines.join('\n') };
}
