import { execFileSync, spawnSync } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signDirectory } from '../testing/sign-directory.ts';
import { allowedSignersLine, ensureSigningKey, publicKey, verifyCommandText } from './signing-key.ts';
import { verifyOutputs } from './verify-outputs.ts';

let root: string;
let outDir: string;
let keyDir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stamper-signing-'));
  outDir = join(root, 'out');
  keyDir = join(root, 'data', 'keys');
  await mkdir(join(outDir, 'sbom'), { recursive: true });
  await writeFile(join(outDir, 'workers.qcow2'), Buffer.alloc(256 * 1024, 7));
  await writeFile(join(outDir, 'workers.ova'), 'ova bytes');
  await writeFile(join(outDir, 'sbom', 'workers.spdx.json'), '{"spdxVersion":"SPDX-2.3"}');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('signing key', () => {
  it('is created once, private key mode 0600, and shared by concurrent callers', async () => {
    const [a, b] = await Promise.all([ensureSigningKey(keyDir), ensureSigningKey(keyDir)]);
    expect(a).toEqual(b);
    expect((await stat(a.privateKey)).mode & 0o777).toBe(0o600);
    const first = await publicKey(keyDir);
    expect(first).toMatch(/^ssh-ed25519 [A-Za-z0-9+/]+=* /);
    expect(await publicKey(keyDir)).toBe(first);
  });
});

describe('signDirectory + verifyOutputs', () => {
  it('lists every artifact, SBOM included, in sha256sum format', async () => {
    await signDirectory(outDir, keyDir);
    const sums = await readFile(join(outDir, 'SHA256SUMS'), 'utf8');
    expect(
      sums
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(66)),
    ).toEqual(['sbom/workers.spdx.json', 'workers.ova', 'workers.qcow2']);
    // coreutils reads the same file
    expect(spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: outDir }).status).toBe(0);
    const report = await verifyOutputs(outDir, { keyDir });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.files).toHaveLength(3);
  });

  it('names the artifact whose bytes changed', async () => {
    await signDirectory(outDir, keyDir);
    await appendFile(join(outDir, 'workers.ova'), 'x');
    const report = await verifyOutputs(outDir, { keyDir });
    expect(report.ok).toBe(false);
    expect(report.signature.ok).toBe(true);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(/^workers\.ova: SHA-256 mismatch/);
    // a single-file check finds it too, and passes for an untouched file
    expect((await verifyOutputs(join(outDir, 'workers.ova'), { keyDir })).ok).toBe(false);
    expect((await verifyOutputs(join(outDir, 'workers.qcow2'), { keyDir })).ok).toBe(true);
  });

  it('catches a SHA256SUMS rewritten to match a tampered artifact', async () => {
    await signDirectory(outDir, keyDir);
    await writeFile(join(outDir, 'workers.ova'), 'evil');
    const forged = execFileSync('sha256sum', ['sbom/workers.spdx.json', 'workers.ova', 'workers.qcow2'], { cwd: outDir, encoding: 'utf8' });
    await writeFile(join(outDir, 'SHA256SUMS'), forged);
    const report = await verifyOutputs(outDir, { keyDir });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.stringMatching(/^SHA256SUMS: signature does not match/)]);
  });

  it('rejects a signature by another key', async () => {
    await signDirectory(outDir, keyDir);
    const otherKeyDir = join(root, 'other-keys');
    const otherPub = join(root, 'other.pub');
    await writeFile(otherPub, `${await publicKey(otherKeyDir)}\n`);
    const report = await verifyOutputs(outDir, { keyFile: otherPub });
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(/^SHA256SUMS: signature was not made by a trusted key/);
  });

  it('verifies with plain ssh-keygen -Y verify, as documented', async () => {
    await signDirectory(outDir, keyDir);
    const allowed = join(root, 'stamper_allowed_signers');
    await writeFile(allowed, `${allowedSignersLine(await publicKey(keyDir))}\n`);
    const run = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', allowed, '-I', 'stamper', '-n', 'stamper', '-s', join(outDir, 'SHA256SUMS.sig')], {
      input: await readFile(join(outDir, 'SHA256SUMS')),
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toMatch(/Good "stamper" signature/);
    expect(verifyCommandText(await publicKey(keyDir))).toContain(
      'ssh-keygen -Y verify -f stamper_allowed_signers -I stamper -n stamper -s SHA256SUMS.sig < SHA256SUMS',
    );
    // the same key as a bare public key file works with verifyOutputs
    const pub = join(root, 'stamper.pub');
    await writeFile(pub, await publicKey(keyDir));
    expect((await verifyOutputs(outDir, { keyFile: pub })).ok).toBe(true);
  });

  it('re-signs after a rerun without failing on the old signature', async () => {
    await signDirectory(outDir, keyDir);
    await signDirectory(outDir, keyDir);
    expect((await verifyOutputs(outDir, { keyDir })).ok).toBe(true);
  });

  it('refuses checksum lines that point outside the directory', async () => {
    await signDirectory(outDir, keyDir);
    await writeFile(join(outDir, 'SHA256SUMS'), `${'0'.repeat(64)}  ../../etc/passwd\n`);
    const report = await verifyOutputs(outDir, { keyDir });
    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toContain('outside its directory');
  });
});
