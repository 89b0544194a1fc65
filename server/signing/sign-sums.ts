import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Signer } from '../pipeline/stage.ts';
import { SUMS_FILE } from './sha256sums.ts';
import { ensureSigningKey, SIGNATURE_NAMESPACE } from './signing-key.ts';
import { runSshKeygen } from './ssh-keygen.ts';

/**
 * The SSH signature (`ssh-keygen -Y sign`, namespace "stamper") over a SHA256SUMS text,
 * made with the key in keyDir (created on first use). Runs in the process that owns the
 * key, never in a build: the text is signed in a private scratch directory of its own.
 */
export async function signSums(sums: string, keyDir: string): Promise<string> {
  const key = await ensureSigningKey(keyDir);
  const scratch = await mkdtemp(join(tmpdir(), 'stamper-sign-'));
  try {
    const sumsPath = join(scratch, SUMS_FILE);
    await writeFile(sumsPath, sums);
    const signed = await runSshKeygen(['-Y', 'sign', '-f', key.privateKey, '-n', SIGNATURE_NAMESPACE, sumsPath]);
    if (signed.code !== 0) throw new Error(`ssh-keygen -Y sign failed: ${signed.stderr.trim()}`);
    return await readFile(`${sumsPath}.sig`, 'utf8');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Signs with the key in keyDir, as it is: for the process that holds the key. */
export function keyDirSigner(keyDir: string): Signer {
  return {
    async sign(sums) {
      return { sums, signature: await signSums(sums, keyDir) };
    },
  };
}
