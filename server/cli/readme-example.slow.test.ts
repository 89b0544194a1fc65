import { spawn } from 'node:child_process';
import { TEST_IMAGE_NOTICE } from '../../src/spec/build-events.ts';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubernetesMinors } from '../../src/spec/catalog';
import { startKubernetesAptRepo, type KubernetesAptRepo } from '../stand-in/kubernetes-apt-repo';

/**
 * The README's command-line example, run as a user would: the stand-in Kubernetes
 * repository, `stamper build docs/examples/workers-offline.yaml`, then `stamper verify`
 * on the output. The stand-in listens on a free port, not the README's 8079, so a user
 * who is running the stand-in there does not make this suite fail: the example is
 * built from a copy whose repository line names that port, and nothing else differs.
 */

const SLOW_ROOT = process.env.STAMPER_SLOW_DIR ?? '/var/tmp/stamper-slow';
const cacheDir = process.env.STAMPER_CACHE_DIR ?? join(SLOW_ROOT, 'cache');

const EXAMPLE = 'docs/examples/workers-offline.yaml';
const README_STAND_IN = 'repository: http://127.0.0.1:8079/';

/** The example with its stand-in repository moved to `port`; throws if the README's line moved. */
function exampleOnPort(example: string, port: string): string {
  if (!example.includes(README_STAND_IN)) throw new Error(`${EXAMPLE} no longer names ${README_STAND_IN}`);
  return example.replace(README_STAND_IN, `repository: http://127.0.0.1:${port}/`);
}

function stamper(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['scripts/stamper.sh', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

describe('README example: stamper build and stamper verify', () => {
  let repo: KubernetesAptRepo;
  let scratch: string;
  let outDir: string;
  let build: { code: number; output: string };

  beforeAll(async () => {
    const releases = kubernetesMinors.map((m) => ({ kubernetes: m.defaultVersion, crictl: m.crictlVersion, cni: m.cniVersion }));
    repo = await startKubernetesAptRepo(join(SLOW_ROOT, 'kubernetes-stand-in'), releases);
    scratch = await mkdtemp(join(tmpdir(), 'stamper-readme-'));
    outDir = join(scratch, 'out');
    const specPath = join(scratch, 'workers-offline.yaml');
    await writeFile(specPath, exampleOnPort(await readFile(EXAMPLE, 'utf8'), new URL(repo.url).port));
    build = await stamper(['build', specPath, '--out', outDir, '--cache', cacheDir], {
      STAMPER_DATA_DIR: join(scratch, 'data'),
      // as the README says: the stand-in is on loopback, which the source policy refuses unless allowed
      STAMPER_ALLOW_LOOPBACK_SOURCES: '1',
    });
  });

  afterAll(async () => {
    await repo?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('builds a boot-verified OVA and qcow2', async () => {
    expect(build.code, build.output.slice(-4000)).toBe(0);
    const files = await readdir(outDir);
    expect(files).toEqual(expect.arrayContaining(['workers-offline.ova', 'workers-offline.qcow2', 'SHA256SUMS', 'SHA256SUMS.sig', 'build-report.json']));
    const report = JSON.parse(await readFile(join(outDir, 'build-report.json'), 'utf8')) as {
      status: string;
      verify: { name: string; ok: boolean }[];
    };
    expect(report.status).toBe('succeeded');
    expect(report.verify.length).toBeGreaterThan(5);
    expect(report.verify.filter((c) => !c.ok)).toEqual([]);
  });

  it('says plainly that the stand-in made a test image', async () => {
    expect(build.output).toContain(`\n${TEST_IMAGE_NOTICE}\n`);
    const report = JSON.parse(await readFile(join(outDir, 'build-report.json'), 'utf8')) as { testImage: { notice: string; reason: string } | null };
    expect(report.testImage?.notice).toBe(TEST_IMAGE_NOTICE);
    expect(report.testImage?.reason).toMatch(/^kubelet is the Kubernetes stand-in's package/);
  });

  it('verifies with stamper verify, and names a tampered file', async () => {
    const env = { STAMPER_DATA_DIR: join(scratch, 'data') };
    const good = await stamper(['verify', outDir], env);
    expect(good.code, good.output).toBe(0);

    await writeFile(join(outDir, 'build-report.json'), '{"tampered":true}\n');
    const bad = await stamper(['verify', outDir], env);
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('build-report.json');
  });
});
