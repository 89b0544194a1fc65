import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Exec } from '../disk/build-disk-image';
import { GCE_DISK_NAME } from './conversions';

/**
 * Checks of each written file by tools the project did not write (qemu-img, GNU tar),
 * plus the on-disk fields those tools do not print (the VHD footer, the tar entry type).
 * Each throws a FormatCheckError saying what is wrong; the formats stage runs them all.
 */
export class FormatCheckError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'FormatCheckError';
  }
}

const MiB = 1024 * 1024;

interface QemuImgInfo {
  format: string;
  'virtual-size': number;
}

async function qemuImgInfo(exec: Exec, format: string, path: string): Promise<QemuImgInfo> {
  const { stdout } = await exec('qemu-img', ['info', '-f', format, '--output=json', path], { captureStdout: true, quiet: true });
  return JSON.parse(stdout) as QemuImgInfo;
}

export interface VhdFooter {
  cookie: string;
  diskType: number;
  currentSize: number;
  checksumOk: boolean;
}

/** The 512-byte VHD footer (VHD spec 2006, "Hard Disk Footer Format"). */
export function parseVhdFooter(footer: Buffer): VhdFooter {
  if (footer.length !== 512) throw new Error('a VHD footer is 512 bytes');
  let sum = 0;
  for (let i = 0; i < 512; i += 1) if (i < 64 || i >= 68) sum += footer[i] ?? 0;
  return {
    cookie: footer.subarray(0, 8).toString('latin1'),
    diskType: footer.readUInt32BE(60),
    currentSize: Number(footer.readBigUInt64BE(48)),
    checksumOk: ~sum >>> 0 === footer.readUInt32BE(64),
  };
}

/** Azure's rules: a fixed VHD whose virtual size is a whole number of MiB and equals the disk's. */
export async function checkFixedVhd(exec: Exec, path: string, expectedBytes: number): Promise<void> {
  const info = await qemuImgInfo(exec, 'vpc', path);
  if (info.format !== 'vpc') throw new FormatCheckError(path, `qemu-img reads it as ${info.format}, not vpc`);
  if (info['virtual-size'] !== expectedBytes) throw new FormatCheckError(path, `virtual size ${info['virtual-size']} bytes, expected ${expectedBytes}`);
  if (info['virtual-size'] % MiB !== 0) throw new FormatCheckError(path, 'virtual size is not a whole number of MiB (Azure refuses it)');
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size !== expectedBytes + 512) throw new FormatCheckError(path, `file is ${size} bytes; a fixed VHD is the disk plus a 512-byte footer`);
    const footer = Buffer.alloc(512);
    await handle.read(footer, 0, 512, size - 512);
    const parsed = parseVhdFooter(footer);
    if (parsed.cookie !== 'conectix') throw new FormatCheckError(path, 'no "conectix" footer at the end of the file');
    if (parsed.diskType !== 2) throw new FormatCheckError(path, `footer disk type ${parsed.diskType}, expected 2 (fixed)`);
    if (parsed.currentSize !== expectedBytes) throw new FormatCheckError(path, `footer size ${parsed.currentSize}, expected ${expectedBytes}`);
    if (!parsed.checksumOk) throw new FormatCheckError(path, 'footer checksum does not match');
  } finally {
    await handle.close();
  }
}

export async function checkVhdx(exec: Exec, path: string, expectedBytes: number): Promise<void> {
  // qemu-img check exits non-zero on corruption or leaks, which the exec turns into an error
  await exec('qemu-img', ['check', '-f', 'vhdx', path], { quiet: true });
  const info = await qemuImgInfo(exec, 'vhdx', path);
  if (info.format !== 'vhdx') throw new FormatCheckError(path, `qemu-img reads it as ${info.format}, not vhdx`);
  if (info['virtual-size'] !== expectedBytes) throw new FormatCheckError(path, `virtual size ${info['virtual-size']} bytes, expected ${expectedBytes}`);
}

/** One `tar -tv` line: mode, owner/group, size, date, time, name. */
export function parseTarListing(listing: string): { mode: string; size: number; name: string }[] {
  return listing
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const fields = line.trim().split(/\s+/);
      return { mode: fields[0] ?? '', size: Number(fields[2]), name: fields.slice(5).join(' ') };
    });
}

/** Reads the first tar header (512 bytes) out of the gzip stream: the entry type is at byte 156. */
async function firstTarHeader(path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  const stream = createReadStream(path).pipe(createGunzip());
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= 512) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, 512);
}

/** GCE's rules: a gzip tar holding only a regular `disk.raw` of the disk's size, stored sparse in GNU format. */
export async function checkGceTar(exec: Exec, path: string, expectedBytes: number): Promise<void> {
  const { stdout } = await exec('tar', ['-tvf', path], { captureStdout: true, quiet: true });
  const entries = parseTarListing(stdout);
  if (entries.length !== 1 || entries[0]?.name !== GCE_DISK_NAME) {
    throw new FormatCheckError(path, `must hold only ${GCE_DISK_NAME}; it holds ${entries.map((e) => e.name).join(', ') || 'nothing'}`);
  }
  if (!entries[0].mode.startsWith('-')) throw new FormatCheckError(path, `${GCE_DISK_NAME} is not a regular file`);
  if (entries[0].size !== expectedBytes) throw new FormatCheckError(path, `${GCE_DISK_NAME} is ${entries[0].size} bytes, expected ${expectedBytes}`);
  const header = await firstTarHeader(path);
  const type = String.fromCharCode(header[156] ?? 0);
  // 'S' is GNU's sparse entry; a disk without holes would be stored as a plain file ('0')
  if (type !== 'S' && type !== '0') throw new FormatCheckError(path, `entry type "${type}" is neither a GNU sparse nor a regular file`);
  if (header.subarray(257, 265).toString('latin1') !== 'ustar  \0') throw new FormatCheckError(path, 'not a GNU-format tar');
}
