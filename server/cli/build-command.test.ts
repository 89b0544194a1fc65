import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { publicKey } from '../signing/signing-key.ts';
import { scriptedRunner } from '../testing/scripted-runner.ts';
import { scenarioSpec } from '../testing/test-builds.ts';
import { runBuildCommand } from './build-command.ts';
import { runVerifyCommand } from './verify-command.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stamper-build-cli-'));
  // the real build runs rootless: it must be able to reach its work dir under here
  await chmod(root, 0o755);
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function captured(run: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    return { code: await run(), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

async function specFile(name: string, yaml: string): Promise<string> {
  const path = join(root, `${name}.yaml`);
  await writeFile(path, yaml);
  return path;
}

const flags = (name: string) => ['--out', join(root, name, 'out'), '--work', join(root, name, 'work'), '--key-dir', join(root, 'keys')];
const readReport = async (name: string) => JSON.parse(await readFile(join(root, name, 'out', 'build-report.json'), 'utf8')) as Record<string, unknown>;

describe('stamper build through the build process', () => {
  it('signs the artifacts and its build report with the key it holds, so stamper verify catches a changed report', async () => {
    const spec = await specFile('signed', scenarioSpec('signed'));
    const build = await captured(() => runBuildCommand([spec, ...flags('signed')], () => scriptedRunner()));
    expect(build.code, build.stderr).toBe(0);
    expect(build.stdout).toContain('[sign] started\n');
    expect(build.stdout).toMatch(/\nbuilt workers in \d+\.\d s\n {2}workers\.raw {2}32\.0 KiB {2}sha256:[0-9a-f]{64}\n {2}workers\.spdx\.json /);
    expect(build.stdout).not.toMatch(/^ {2}SHA256SUMS/m);

    const report = await readReport('signed');
    expect(report).toMatchObject({ name: 'workers', status: 'succeeded', testImage: null, verify: [] });
    expect((report.artifacts as { name: string }[]).map((a) => a.name)).toEqual(['workers.raw', 'workers.spdx.json']);
    expect((report.stages as { name: string }[]).map((s) => s.name)).toEqual(['rootfs']);
    const sums = await readFile(join(root, 'signed', 'out', 'SHA256SUMS'), 'utf8');
    expect(
      sums
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(66)),
    ).toEqual(['build-report.json', 'workers.raw', 'workers.spdx.json']);

    const keyFile = join(root, 'stamper.pub');
    await writeFile(keyFile, await publicKey(join(root, 'keys')));
    const good = await captured(() => runVerifyCommand([join(root, 'signed', 'out'), '--key', keyFile]));
    expect(good.code, good.stdout).toBe(0);
    await writeFile(join(root, 'signed', 'out', 'build-report.json'), '{"tampered":true}\n');
    const bad = await captured(() => runVerifyCommand([join(root, 'signed', 'out'), '--key', keyFile]));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAILED build-report\.json: SHA-256 mismatch/);
  });

  it('names the failed stage and its last output, exits 1 and reports the failure', async () => {
    const spec = await specFile('fail', scenarioSpec('fail'));
    const build = await captured(() => runBuildCommand([spec, ...flags('fail')], () => scriptedRunner()));
    expect(build.code).toBe(1);
    expect(build.stderr).toContain('\nstamper build: stage rootfs failed: mmdebstrap failed\nlast output:\n  E: Unable to locate package nonexistent\n');
    expect(await readReport('fail')).toMatchObject({
      status: 'failed',
      artifacts: [],
      failure: { stage: 'rootfs', message: 'mmdebstrap failed', lastLines: ['E: Unable to locate package nonexistent'] },
    });
  });

  it('runs the real build process by default: a source the policy refuses fails rootfs before anything is fetched', async () => {
    const yaml = scenarioSpec('unused').replace('spec:\n', 'spec:\n  os:\n    mirror: http://169.254.169.254/debian\n');
    const spec = await specFile('refused', yaml);
    const build = await captured(() => runBuildCommand([spec, ...flags('refused')]));
    expect(build.code).toBe(1);
    expect(build.stderr).toMatch(/stage rootfs failed: refused by policy: http:\/\/169\.254\.169\.254\/debian/);
    expect(await readReport('refused')).toMatchObject({ status: 'failed', failure: { stage: 'rootfs' } });
  }, 30_000);

  it('says which directory the rootless build cannot reach, before building anything', async () => {
    const spec = await specFile('private', scenarioSpec('unused'));
    const hidden = join(root, 'private-home');
    await mkdir(hidden, { mode: 0o700 });
    const build = await captured(() =>
      runBuildCommand([spec, '--out', join(root, 'private', 'out'), '--work', join(hidden, 'work'), '--key-dir', join(root, 'keys')]),
    );
    expect(build.code).toBe(1);
    expect(build.stderr).toContain(`stamper build: rootless builds are not possible on this host: ${hidden} is not searchable by other users`);
  }, 30_000);

  it('exits 2 for a spec that is not valid', async () => {
    const spec = await specFile('invalid', scenarioSpec('quick').replace('sizeGiB: 20', 'sizeGiB: 1'));
    const build = await captured(() => runBuildCommand([spec, ...flags('invalid')], () => scriptedRunner()));
    expect(build.code).toBe(2);
    expect(build.stderr).toMatch(/invalid\.yaml:9:14 spec\.disk\.sizeGiB/);
  });
});
