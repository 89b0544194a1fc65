import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSums, listArtifacts, sha256File, SIGNATURE_FILE, SUMS_FILE } from './sha256sums.ts';
import { ensureSigningKey, SIGNATURE_NAMESPACE } from './signing-key.ts';
import { runSshKeygen } from './ssh-keygen.ts';

/**
 * Writes SHA256SUMS over every artifact in outDir (images, SBOM, manifests) and signs it
 * with the server key as SHA256SUMS.sig, an SSH signature that plain
 * `ssh-keygen -Y verify -n stamper` checks, so users need no Stamper to trust a download.
 */
export async function signBuildOutputs(
  outDir: string,
  keyDir: string,
  /** SHA-256s the pipeline already computed, by file name: multi-GiB images are not read twice. */
  knownHashes: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  const key = await ensureSigningKey(keyDir);
  const names = await listArtifacts(outDir);
  if (names.length === 0) throw new Error(`nothing to sign: ${outDir} holds no artifacts`);
  const entries = [];
  for (const name of names) entries.push({ name, sha256: knownHashes.get(name) ?? (await sha256File(join(outDir, name))) });

  const sumsPath = join(outDir, SUMS_FILE);
  await writeFile(sumsPath, formatSums(entries));
  // ssh-keygen refuses to overwrite an existing signature (a re-run of the stage).
  await rm(join(outDir, SIGNATURE_FILE), { force: true });
  const signed = await runSshKeygen(['-Y', 'sign', '-f', key.privateKey, '-n', SIGNATURE_NAMESPACE, sumsPath]);
  if (signed.code !== 0) throw new Error(`ssh-keygen -Y sign failed: ${signed.stderr.trim()}`);
}
