import { chmod, link, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runSshKeygen } from './ssh-keygen.ts';

/** The namespace every Stamper signature is made in; `ssh-keygen -Y verify -n` must name it too. */
export const SIGNATURE_NAMESPACE = 'stamper';
/** The principal Stamper's allowed_signers line names. */
export const SIGNER_PRINCIPAL = 'stamper';

const PRIVATE_KEY = 'stamper_signing_ed25519';

/** Where the public key lives; reading it does not create a key (verification must not). */
export const publicKeyPath = (keyDir: string): string => join(keyDir, `${PRIVATE_KEY}.pub`);

export interface SigningKeyPaths {
  privateKey: string;
  publicKey: string;
}

export interface SigningKeyOptions {
  /** False: the key must already be in keyDir (a shared key, see signing-key-dir.ts); nothing is written there. */
  create?: boolean;
}

export class MissingSigningKeyError extends Error {
  override name = 'MissingSigningKeyError';
}

const pending = new Map<string, Promise<SigningKeyPaths>>();

/**
 * Creates the server's ed25519 signing key on first use. Concurrent callers (two builds
 * finishing together, or two processes on one data dir) agree on one key: the key is made
 * in a private temp dir and hard-linked into place, and link() fails for everyone but
 * the first. With `create: false` it only checks that both halves of the key are there.
 */
export function ensureSigningKey(keyDir: string, options: SigningKeyOptions = {}): Promise<SigningKeyPaths> {
  if (options.create === false) return existingKey(keyDir);
  let promise = pending.get(keyDir);
  if (!promise) {
    promise = createIfMissing(keyDir).finally(() => pending.delete(keyDir));
    pending.set(keyDir, promise);
  }
  return promise;
}

async function existingKey(keyDir: string): Promise<SigningKeyPaths> {
  const paths = { privateKey: join(keyDir, PRIVATE_KEY), publicKey: publicKeyPath(keyDir) };
  const missing = [];
  for (const path of [paths.privateKey, paths.publicKey]) if (!(await exists(path))) missing.push(path);
  if (missing.length > 0) {
    throw new MissingSigningKeyError(
      `the shared signing key is incomplete: ${missing.join(' and ')} missing. STAMPER_SIGNING_KEY_DIR names a key made once ` +
        `for every API process and worker, so none is created there; make it with ` +
        `ssh-keygen -t ed25519 -N '' -C 'stamper build signing key' -f ${paths.privateKey} and give every process both files ` +
        `(docs/deployment.md, "Signing key")`,
    );
  }
  return paths;
}

async function createIfMissing(keyDir: string): Promise<SigningKeyPaths> {
  const paths = { privateKey: join(keyDir, PRIVATE_KEY), publicKey: publicKeyPath(keyDir) };
  await mkdir(keyDir, { recursive: true, mode: 0o700 });
  if (await exists(paths.privateKey)) {
    if (!(await exists(paths.publicKey))) await writePublicKeyFromPrivate(paths);
    return paths;
  }
  const scratch = await mkdtemp(join(keyDir, '.new-key-'));
  try {
    const scratchKey = join(scratch, PRIVATE_KEY);
    const made = await runSshKeygen(['-q', '-t', 'ed25519', '-N', '', '-C', 'stamper build signing key', '-f', scratchKey]);
    if (made.code !== 0) throw new Error(`ssh-keygen could not create the signing key: ${made.stderr.trim()}`);
    await chmod(scratchKey, 0o600);
    try {
      await link(scratchKey, paths.privateKey);
      await rename(`${scratchKey}.pub`, paths.publicKey);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // another process won the race; use its key
      if (!(await exists(paths.publicKey))) await writePublicKeyFromPrivate(paths);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return paths;
}

async function writePublicKeyFromPrivate(paths: SigningKeyPaths): Promise<void> {
  const derived = await runSshKeygen(['-y', '-f', paths.privateKey]);
  if (derived.code !== 0) throw new Error(`cannot read the signing key ${paths.privateKey}: ${derived.stderr.trim()}`);
  await writeFile(paths.publicKey, derived.stdout, { mode: 0o644 });
}

/** The public key line (`ssh-ed25519 AAAA… comment`), creating the key pair on first use unless told not to. */
export async function publicKey(keyDir: string, options: SigningKeyOptions = {}): Promise<string> {
  const paths = await ensureSigningKey(keyDir, options);
  return (await readFile(paths.publicKey, 'utf8')).trim();
}

/** One allowed_signers line for ssh-keygen -Y verify, limited to Stamper's namespace. */
export function allowedSignersLine(publicKeyLine: string): string {
  const [type, key] = publicKeyLine.trim().split(/\s+/);
  return `${SIGNER_PRINCIPAL} namespaces="${SIGNATURE_NAMESPACE}" ${type ?? ''} ${key ?? ''}`;
}

/** The exact commands a user runs to check a download with plain OpenSSH. */
export function verifyCommandText(publicKeyLine: string): string {
  return [
    `echo '${allowedSignersLine(publicKeyLine)}' > stamper_allowed_signers`,
    `ssh-keygen -Y verify -f stamper_allowed_signers -I ${SIGNER_PRINCIPAL} -n ${SIGNATURE_NAMESPACE} -s SHA256SUMS.sig < SHA256SUMS`,
    // a user may download only some of the files: check those, not fail on the rest
    'sha256sum --ignore-missing -c SHA256SUMS',
  ].join('\n');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
