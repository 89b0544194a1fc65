import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSums, listArtifacts, sha256File, SIGNATURE_FILE, SUMS_FILE } from '../signing/sha256sums.ts';
import { signSums } from '../signing/sign-sums.ts';

/**
 * For tests of verification: SHA256SUMS over every file in dir and its signature with the
 * key in keyDir, as a build's sign stage leaves them, without running a build.
 */
export async function signDirectory(dir: string, keyDir: string): Promise<void> {
  const names = await listArtifacts(dir);
  if (names.length === 0) throw new Error(`nothing to sign: ${dir} holds no files`);
  const entries = [];
  for (const name of names) entries.push({ name, sha256: await sha256File(join(dir, name)) });
  const sums = formatSums(entries);
  const signature = await signSums(sums, keyDir);
  await rm(join(dir, SIGNATURE_FILE), { force: true });
  await writeFile(join(dir, SUMS_FILE), sums);
  await writeFile(join(dir, SIGNATURE_FILE), signature);
}
