import { execFile, execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signingKeyResponseSchema } from '../../src/spec/interop/interop-api.ts';
import { ConfigError, loadServerConfig, type ServerConfig } from '../config/server-config.ts';
import { interopRoutes } from '../http/routes/interop-routes.ts';
import { formatSums, listArtifacts, sha256File, SIGNATURE_FILE, SUMS_FILE } from './sha256sums.ts';
import { keyDirSigner } from './sign-sums.ts';
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

/** What a worker with this config leaves beside a build's artifacts. */
async function signAsWorker(config: ServerConfig, outDir: string): Promise<void> {
  const key = signingKeyDir(config);
  const names = await listArtifacts(outDir);
  const sums = formatSums(await Promise.all(names.map(async (name) => ({ name, sha256: await sha256File(join(outDir, name)) }))));
  const { signature } = await keyDirSigner(key.path, key).sign(sums, new AbortController().signal);
  await writeFile(join(outDir, SUMS_FILE), sums);
  await writeFile(join(outDir, SIGNATURE_FILE), signature);
}

/** The public key an API replica with this config serves, registered as http-app.ts does. */
async function servedAllowedSigners(config: ServerConfig): Promise<string> {
  const app = Fastify();
  await app.register(interopRoutes, { dataDir: config.dataDir, signingKeyDir: config.signingKeyDir });
  try {
    const response = await app.inject({ method: 'GET', url: '/api/signing/public-key' });
    expect(response.statusCode).toBe(200);
    return signingKeyResponseSchema.parse(response.json()).allowedSigners;
  } finally {
    await app.close();
  }
}

async function artifacts(): Promise<string> {
  const outDir = join(root, 'artifacts');
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'workers.qcow2'), Buffer.alloc(64 * 1024, 3));
  return outDir;
}

describe('STAMPER_SIGNING_KEY_DIR', () => {
  it('lets a worker sign with one data dir and an API replica with another serve the key that verifies it', async () => {
    const worker = configFor('worker-data');
    const api = configFor('api-data');
    const outDir = await artifacts();
    await signAsWorker(worker, outDir);

    const allowedSigners = join(root, 'allowed_signers');
    await writeFile(allowedSigners, `${await servedAllowedSigners(api)}\n`);
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

    // nothing was written into the shared dir, and neither process made a key of its own
    expect((await readdir(sharedKeys)).sort()).toEqual(['stamper_signing_ed25519', 'stamper_signing_ed25519.pub']);
    for (const dataDir of [worker.dataDir, api.dataDir]) expect(await readdir(dataDir).catch(() => [])).not.toContain('keys');
  });

  it('is what the check above depends on: a replica on its own data dir key does not verify the worker', async () => {
    const outDir = await artifacts();
    await signAsWorker(configFor('worker-data'), outDir);
    const allowedSigners = join(root, 'allowed_signers');
    await writeFile(allowedSigners, `${await servedAllowedSigners(configFor('api-data', {}))}\n`);
    expect((await verifyOutputs(outDir, { keyFile: allowedSigners })).ok).toBe(false);
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
