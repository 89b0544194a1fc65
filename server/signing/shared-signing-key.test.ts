import { execFile, execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signingKeyResponseSchema } from '../../src/spec/interop/interop-api.ts';
import { buildDirs } from '../builds/build-dirs.ts';
import { ConfigError, loadServerConfig } from '../config/server-config.ts';
import { injectLocal } from '../testing/test-app.ts';
import { postBuild, scenarioSpec, scriptedApp, waitForState } from '../testing/test-builds.ts';
import { SIGNATURE_FILE, SUMS_FILE } from './sha256sums.ts';
import { signingKeyDir } from './signing-key-dir.ts';
import { ensureSigningKey, MissingSigningKeyError } from './signing-key.ts';
import { verifyOutputs } from './verify-outputs.ts';

const run = promisify(execFile);
let root: string;
let sharedKeys: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stamper-shared-key-'));
  sharedKeys = join(root, 'signing-key');
  await mkdir(sharedKeys);
  // made once by the operator, as docs/deployment.md says
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'shared', '-f', join(sharedKeys, 'stamper_signing_ed25519')]);
  // how a Secret volume with an fsGroup mounts it; ssh-keygen refuses such a key of its own user
  await chmod(join(sharedKeys, 'stamper_signing_ed25519'), 0o440);
  await chmod(sharedKeys, 0o555);
});
afterEach(async () => {
  await chmod(sharedKeys, 0o755).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

const configFor = (name: string, env: NodeJS.ProcessEnv = { STAMPER_SIGNING_KEY_DIR: sharedKeys }) =>
  loadServerConfig([], { STAMPER_DATA_DIR: join(root, name), ...env });

/** The allowed_signers line an app serves at GET /api/signing/public-key. */
async function servedAllowedSigners(app: FastifyInstance): Promise<string> {
  const response = await injectLocal(app, { method: 'GET', url: '/api/signing/public-key' });
  expect(response.statusCode).toBe(200);
  return signingKeyResponseSchema.parse(response.json()).allowedSigners;
}

/** A scripted build through the real executor and sign stage of the app a worker would run. */
async function signedBuildOutDir(worker: Awaited<ReturnType<typeof scriptedApp>>): Promise<string> {
  const { body } = await postBuild(worker.app, scenarioSpec('signed', 42));
  const build = await waitForState(worker.app, body?.build.id ?? '', ['succeeded', 'failed']);
  expect(build.error).toBeNull();
  expect(build.artifacts.map((a) => a.name)).toContain(SIGNATURE_FILE);
  return buildDirs(worker.config.dataDir, build.id).outDir;
}

describe('STAMPER_SIGNING_KEY_DIR', () => {
  it('lets a build signed on one data dir verify with the key an app on another data dir serves', async () => {
    const worker = await scriptedApp({ signingKeyDir: sharedKeys });
    const api = await scriptedApp({ signingKeyDir: sharedKeys });
    try {
      const outDir = await signedBuildOutDir(worker);
      const allowedSigners = join(root, 'allowed_signers');
      await writeFile(allowedSigners, `${await servedAllowedSigners(api.app)}\n`);
      const report = await verifyOutputs(outDir, { keyFile: allowedSigners });
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      // plain OpenSSH agrees
      await run('bash', [
        '-c',
        `ssh-keygen -Y verify -f "$1" -I stamper -n stamper -s "$2/${SIGNATURE_FILE}" < "$2/${SUMS_FILE}"`,
        'verify',
        allowedSigners,
        outDir,
      ]);

      // nothing was written into the shared dir, and neither app made a key of its own
      expect((await readdir(sharedKeys)).sort()).toEqual(['stamper_signing_ed25519', 'stamper_signing_ed25519.pub']);
      for (const dataDir of [worker.config.dataDir, api.config.dataDir]) expect(await readdir(dataDir)).not.toContain('keys');
    } finally {
      await worker.close();
      await api.close();
    }
  });

  it('is what the check above depends on: an app on its own data dir key does not verify the build', async () => {
    const worker = await scriptedApp({ signingKeyDir: sharedKeys });
    const own = await scriptedApp();
    try {
      const outDir = await signedBuildOutDir(worker);
      const allowedSigners = join(root, 'allowed_signers');
      await writeFile(allowedSigners, `${await servedAllowedSigners(own.app)}\n`);
      expect((await verifyOutputs(outDir, { keyFile: allowedSigners })).ok).toBe(false);
    } finally {
      await worker.close();
      await own.close();
    }
  });

  it('never creates a key there: a missing one is an error that says how to make it', async () => {
    const empty = join(root, 'empty-key-dir');
    await mkdir(empty);
    const key = signingKeyDir(configFor('worker-data', { STAMPER_SIGNING_KEY_DIR: empty }));
    expect(key).toEqual({ path: empty, create: false });
    await expect(ensureSigningKey(key.path, key)).rejects.toThrow(MissingSigningKeyError);
    await expect(ensureSigningKey(key.path, key)).rejects.toThrow(/stamper_signing_ed25519 and .*\.pub missing.*ssh-keygen -t ed25519/);
    expect(await readdir(empty)).toEqual([]);
  });

  it('stops `stamper worker` at start when the key is missing', async () => {
    const empty = join(root, 'empty-key-dir');
    await mkdir(empty);
    const worker = run('bash', ['scripts/stamper.sh', 'worker', '--drain'], {
      env: { ...process.env, STAMPER_DATA_DIR: join(root, 'worker-data'), STAMPER_SIGNING_KEY_DIR: empty, STAMPER_DATABASE_URL: '' },
      timeout: 60_000,
    });
    await expect(worker).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/^stamper worker: the shared signing key is incomplete/) });
    expect(await readdir(empty)).toEqual([]);
  });

  it('keeps the default when unset and refuses a relative path', () => {
    const config = configFor('data', {});
    expect(config.signingKeyDir).toBeUndefined();
    expect(signingKeyDir(config)).toEqual({ path: join(root, 'data', 'keys'), create: true });
    expect(() => configFor('data', { STAMPER_SIGNING_KEY_DIR: 'keys' })).toThrow(ConfigError);
    expect(() => configFor('data', { STAMPER_SIGNING_KEY_DIR: 'keys' })).toThrow(/must be an absolute path/);
  });
});
