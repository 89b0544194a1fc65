import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const main = path.join(import.meta.dirname, '..', 'main.ts');

function runStamper(args: string[], env: NodeJS.ProcessEnv, onOutput?: (text: string, stop: () => void) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    onOutput?.(output, () => child.kill('SIGTERM'));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise<{ code: number | null; output: string }>((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('stamper serve', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-serve-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses a public address without a token, before listening', async () => {
    const result = await runStamper(['serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir], { STAMPER_TOKEN: '' });
    expect(result.code).toBe(2);
    expect(result.output).toContain('refusing to listen on 0.0.0.0 without a token');
  });

  it('listens on loopback, answers, and stops cleanly on SIGTERM', async () => {
    let health: unknown;
    const result = await runStamper(['serve', '--port', '0', '--data-dir', dataDir], { STAMPER_HOST: '', STAMPER_TOKEN: '' }, (text, stop) => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (!match || !/stamper: builds .*\n/.test(text) || health !== undefined) return;
      health = null;
      void fetch(`${match[1]}/healthz`)
        .then((response) => response.json())
        .then((body: unknown) => {
          health = body;
          stop();
        });
    });
    expect(health).toMatchObject({ ok: true, queueLength: 0 });
    expect(result.code).toBe(0);
    // proven at start, not assumed: the build user's namespace was made and can run the build program
    expect(result.output).toContain('stamper: builds run rootless, in a user namespace of the build user');
    // the build signing key is made on first start, in the data directory
    expect(existsSync(path.join(dataDir, 'keys', 'stamper_signing_ed25519.pub'))).toBe(true);
  });

  it('says at start why builds cannot run when rootless builds are impossible here, and how to fix it', async () => {
    const result = await runStamper(
      ['serve', '--port', '0', '--data-dir', dataDir],
      { STAMPER_HOST: '', STAMPER_TOKEN: '', STAMPER_BUILD_USER: 'no-such-build-user' },
      (text, stop) => {
        if (/stamper: builds .*\n/.test(text)) stop();
      },
    );
    expect(result.output).toMatch(
      /stamper: builds cannot start: rootless builds are not possible on this host: .*no range for no-such-build-user.*STAMPER_BUILD_MODE=root/,
    );
  });
});
