import { copyFile, chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Signer } from '../pipeline/stage.ts';
import { SUMS_FILE } from './sha256sums.ts';
import { ensureSigningKey, SIGNATURE_NAMESPACE, type SigningKeyOptions } from './signing-key.ts';
import { runSshKeygen } from './ssh-keygen.ts';

/**
 * The SSH signature (`ssh-keygen -Y sign`, namespace "stamper") over a SHA256SUMS text,
 * made with the key in keyDir (created on first use). Runs in the process that owns the
 * key, never in a build: the text is signed in a private scratch directory of its own.
 */
export async function signSums(sums: string, keyDir: string, options: SigningKeyOptions = {}): Promise<string> {
  const key = await ensureSigningKey(keyDir, options);
  const scratch = await mkdtemp(join(tmpdir(), 'stamper-sign-'));
  try {
    const sumsPath = join(scratch, SUMS_FILE);
    await writeFile(sumsPath, sums);
    const signed = await runSshKeygen(['-Y', 'sign', '-f', await usableKeyFile(key.privateKey, scratch), '-n', SIGNATURE_NAMESPACE, sumsPath]);
    if (signed.code !== 0) throw new Error(`ssh-keygen -Y sign failed: ${signed.stderr.trim()}`);
    return await readFile(`${sumsPath}.sig`, 'utf8');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * ssh-keygen refuses a private key its own user could share (any group or other bit), and a
 * Secret volume with an fsGroup mounts it 0440: such a key is signed with from a 0600 copy
 * in the private scratch dir, removed with it.
 */
async function usableKeyFile(privateKey: string, scratch: string): Promise<string> {
  if (((await stat(privateKey)).mode & 0o077) === 0) return privateKey;
  const copy = join(scratch, 'signing-key');
  await copyFile(privateKey, copy);
  await chmod(copy, 0o600);
  return copy;
}

/** Signs with the key in keyDir, as it is: for the process that holds the key. */
export function keyDirSigner(keyDir: string, options: SigningKeyOptions = {}): Signer {
  return {
    async sign(sums) {
      return { sums, signature: await signSums(sums, keyDir, options) };
    },
  };
}
