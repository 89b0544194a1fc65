/**
 * Tar headers for the few entries an image layer needs (directories and regular files),
 * written by hand so ownership, modes and times are exactly what is asked for, whoever
 * runs the build. POSIX ustar; sizes past ustar's 8 GiB use the base-256 form GNU tar and
 * Go's archive/tar (containerd, the registry, skopeo, umoci) read.
 */
export const TAR_BLOCK = 512;

export interface TarEntry {
  /** Relative path; directories end in "/". */
  path: string;
  type: 'file' | 'directory';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
}

const USTAR_SIZE_LIMIT = 8 ** 11; // 11 octal digits

function writeString(header: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar field too long: ${value}`);
  bytes.copy(header, offset);
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  writeString(header, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

function writeSize(header: Buffer, offset: number, size: number): void {
  if (size < USTAR_SIZE_LIMIT) {
    writeOctal(header, offset, 12, size);
    return;
  }
  // base-256: the high bit of the first byte set, the number big-endian in the rest
  let rest = BigInt(size);
  for (let i = 11; i >= 1; i -= 1) {
    header[offset + i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  header[offset] = 0x80;
}

/** Splits a long path into ustar's prefix (155) and name (100) at a slash. */
function splitPath(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let at = path.indexOf('/'); at >= 0; at = path.indexOf('/', at + 1)) {
    const prefix = path.slice(0, at);
    const name = path.slice(at + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name.length > 0) return { prefix, name };
  }
  throw new Error(`path too long for a ustar header: ${path}`);
}

export function tarHeader(entry: TarEntry): Buffer {
  if (entry.type === 'directory' && !entry.path.endsWith('/')) throw new Error(`directory entries end in "/": ${entry.path}`);
  const header = Buffer.alloc(TAR_BLOCK);
  const { prefix, name } = splitPath(entry.path);
  writeString(header, 0, 100, name);
  writeOctal(header, 100, 8, entry.mode & 0o7777);
  writeOctal(header, 108, 8, entry.uid);
  writeOctal(header, 116, 8, entry.gid);
  writeSize(header, 124, entry.type === 'file' ? entry.size : 0);
  writeOctal(header, 136, 12, entry.mtime);
  header.fill(0x20, 148, 156); // checksum counted as spaces
  header[156] = entry.type === 'file' ? 0x30 : 0x35; // '0' regular file, '5' directory
  writeString(header, 257, 6, 'ustar\0');
  writeString(header, 263, 2, '00');
  writeString(header, 345, 155, prefix);
  let sum = 0;
  for (const byte of header) sum += byte;
  writeString(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

/** Zero bytes that round a file's data up to a whole block. */
export const tarPadding = (size: number): Buffer => Buffer.alloc((TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK);

/** The two zero blocks that end an archive. */
export const tarEnd = (): Buffer => Buffer.alloc(TAR_BLOCK * 2);
