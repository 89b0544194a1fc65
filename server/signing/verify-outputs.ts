import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { listArtifacts, parseSums, sha256File, SIGNATURE_FILE, SUMS_FILE, SumsFormatError } from './sha256sums.ts';
import { allowedSignersLine, publicKeyPath, SIGNATURE_NAMESPACE } from './signing-key.ts';
import { runSshKeygen } from './ssh-keygen.ts';

export interface FileCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  /** The directory holding SHA256SUMS. */
  dir: string;
  signature: { ok: boolean; detail: string };
  files: FileCheck[];
  /** Files in the directory that SHA256SUMS does not list: not covered by the signature. */
  unlisted: string[];
  /** One line per failure, each naming the file. */
  problems: string[];
}

export interface VerifyOptions {
  /**
   * A trusted key: an allowed_signers file, or a public key file (`ssh-ed25519 AAAA…`).
   * Without it, the signing key in keyDir is used.
   */
  keyFile?: string;
  /** The server's key directory (`<dataDir>/keys`), used when no keyFile is given. */
  keyDir?: string;
}

/**
 * Checks a build's download: the signature over SHA256SUMS first (so a rewritten
 * SHA256SUMS is caught), then each listed file's SHA-256. Given a single file, only that
 * file is hashed, against the SHA256SUMS beside it.
 */
export async function verifyOutputs(target: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const isDir = (await stat(target)).isDirectory();
  const dir = isDir ? target : dirname(target);
  const only = isDir ? undefined : basename(target);
  const report: VerifyReport = { ok: false, dir, signature: { ok: false, detail: '' }, files: [], unlisted: [], problems: [] };

  const sumsPath = join(dir, SUMS_FILE);
  let sumsText: string;
  try {
    sumsText = await readFile(sumsPath, 'utf8');
  } catch {
    report.problems.push(`${SUMS_FILE}: not found in ${dir}`);
    return report;
  }

  report.signature = await checkSignature(dir, options);
  if (!report.signature.ok) report.problems.push(`${SUMS_FILE}: ${report.signature.detail}`);

  let entries;
  try {
    entries = parseSums(sumsText);
  } catch (error) {
    if (!(error instanceof SumsFormatError)) throw error;
    report.problems.push(error.message);
    return report;
  }
  const wanted = only === undefined ? entries : entries.filter((e) => e.name === only);
  if (only !== undefined && wanted.length === 0) report.problems.push(`${only}: not listed in ${SUMS_FILE}`);

  for (const entry of wanted) {
    const check = await checkFile(dir, entry.name, entry.sha256);
    report.files.push(check);
    if (!check.ok) report.problems.push(`${entry.name}: ${check.detail}`);
  }
  if (only === undefined) {
    const listed = new Set(entries.map((e) => e.name));
    report.unlisted = (await listArtifacts(dir)).filter((name) => !listed.has(name));
  }
  report.ok = report.problems.length === 0;
  return report;
}

async function checkFile(dir: string, name: string, expected: string): Promise<FileCheck> {
  let actual: string;
  try {
    actual = await sha256File(join(dir, name));
  } catch {
    return { name, ok: false, detail: 'missing' };
  }
  return actual === expected
    ? { name, ok: true, detail: 'SHA-256 matches' }
    : { name, ok: false, detail: `SHA-256 mismatch: ${SUMS_FILE} says ${expected}, the file is ${actual}` };
}

async function checkSignature(dir: string, options: VerifyOptions): Promise<{ ok: boolean; detail: string }> {
  const signaturePath = join(dir, SIGNATURE_FILE);
  try {
    await stat(signaturePath);
  } catch {
    return { ok: false, detail: `${SIGNATURE_FILE} not found: the checksums are unsigned` };
  }
  const scratch = await mkdtemp(join(tmpdir(), 'stamper-verify-'));
  try {
    const allowedSigners = join(scratch, 'allowed_signers');
    await writeFile(allowedSigners, await trustedSigners(options));
    // find-principals tells which allowed_signers entry made the signature; verify then checks it cryptographically.
    const found = await runSshKeygen(['-Y', 'find-principals', '-f', allowedSigners, '-n', SIGNATURE_NAMESPACE, '-s', signaturePath]);
    const principal = found.stdout.split('\n')[0]?.trim();
    if (found.code !== 0 || !principal) {
      return { ok: false, detail: 'signature was not made by a trusted key (or the signature file is damaged)' };
    }
    const verified = await runSshKeygen(
      ['-Y', 'verify', '-f', allowedSigners, '-I', principal, '-n', SIGNATURE_NAMESPACE, '-s', signaturePath],
      join(dir, SUMS_FILE),
    );
    if (verified.code !== 0) return { ok: false, detail: 'signature does not match: SHA256SUMS was changed after signing' };
    return { ok: true, detail: verified.stdout.trim() || `good signature by ${principal}` };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** allowed_signers content from a key file (either format) or from the server's own key. */
async function trustedSigners(options: VerifyOptions): Promise<string> {
  let text: string;
  if (options.keyFile) text = await readFile(options.keyFile, 'utf8');
  else if (options.keyDir) {
    try {
      text = await readFile(publicKeyPath(options.keyDir), 'utf8');
    } catch {
      throw new Error(`no signing key in ${options.keyDir}: pass --key with the server's public key or allowed_signers file`);
    }
  } else throw new Error('no trusted key: pass an allowed_signers or public key file');
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  // A bare public key line starts with its type; an allowed_signers line starts with a principal.
  return lines.map((line) => (/^(ssh-|ecdsa-|sk-)/.test(line) ? allowedSignersLine(line) : line)).join('\n') + '\n';
}
