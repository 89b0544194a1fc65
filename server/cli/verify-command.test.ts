import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signDirectory } from '../testing/sign-directory.ts';
import { publicKey } from '../signing/signing-key.ts';
import { runVerifyCommand } from './verify-command.ts';

let root: string;
let outDir: string;
let keyFile: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stamper-verify-cli-'));
  outDir = join(root, 'out');
  await mkdir(outDir);
  await writeFile(join(outDir, 'node.raw'), 'disk');
  await signDirectory(outDir, join(root, 'keys'));
  keyFile = join(root, 'stamper.pub');
  await writeFile(keyFile, await publicKey(join(root, 'keys')));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const write = (chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(write);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(write);
  try {
    return { code: await runVerifyCommand(argv), out };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('stamper verify', () => {
  it('exits 0 for an intact download', async () => {
    const { code, out } = await run([outDir, '--key', keyFile]);
    expect(out).toContain('OK     node.raw');
    expect(code).toBe(0);
  });

  it('exits 1 and names the tampered file', async () => {
    await appendFile(join(outDir, 'node.raw'), '!');
    const { code, out } = await run([join(outDir, 'node.raw'), '--key', keyFile]);
    expect(code).toBe(1);
    expect(out).toMatch(/FAILED node\.raw: SHA-256 mismatch/);
  });

  it('exits 2 on bad usage', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run([outDir, '--bogus'])).code).toBe(2);
  });
});
