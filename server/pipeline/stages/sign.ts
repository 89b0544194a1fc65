import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSums, SIGNATURE_FILE, SUMS_FILE } from '../../signing/sha256sums.ts';
import type { Stage } from '../stage';

/**
 * SHA256SUMS over every artifact of this build, with the hashes the artifact registry
 * already computed (multi-GiB images are not read again), and its SSH signature from
 * the context's signer, so `ssh-keygen -Y verify` checks a download without Stamper.
 * The signing key is never in reach of the build: the signer holds it.
 */
export const signStage: Stage = {
  name: 'sign',
  async run(ctx) {
    const artifacts = ctx.artifacts.list();
    if (artifacts.length === 0) throw new Error(`nothing to sign: the build registered no artifacts in ${ctx.outDir}`);
    const entries = artifacts.map((a) => ({ name: a.name, sha256: a.sha256 })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    ctx.progress(10, `signing the checksums of ${entries.length} artifacts`);
    const signed = await ctx.signer.sign(formatSums(entries), ctx.signal);

    const sumsPath = join(ctx.outDir, SUMS_FILE);
    const signaturePath = join(ctx.outDir, SIGNATURE_FILE);
    // a rerun in the same output directory replaces both files, never pairs an old signature with new sums
    await rm(signaturePath, { force: true });
    await writeFile(sumsPath, signed.sums);
    await writeFile(signaturePath, signed.signature);
    await ctx.artifacts.add({ name: SUMS_FILE, format: 'sha256sums', path: sumsPath });
    await ctx.artifacts.add({ name: SIGNATURE_FILE, format: 'signature', path: signaturePath });
    ctx.progress(100);
  },
};
