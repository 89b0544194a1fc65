import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { TEST_IMAGE_NOTICE } from '../../../src/spec/build-events.ts';
import { nodeImageSchema } from '../../../src/spec/schema.ts';
import { minimalInput } from '../../../src/spec/test-specs.ts';
import { serveDirectory, writeKubernetesBinaries } from '../../stand-in/kubernetes-apt-repo.ts';
import { renderStamperRelease } from '../configure/node-config.ts';
import { runProcess } from '../exec.ts';
import { readTestImage } from '../kubernetes/stand-in.ts';
import type { StageContext } from '../stage.ts';
import { treeDir } from '../work-layout.ts';
import { kubernetesStage } from './kubernetes.ts';

const release = { kubernetes: '1.35.3', crictl: '1.35.0', cni: '1.7.1' };
const names = ['kubelet', 'kubeadm', 'kubectl', 'crictl'] as const;
type Sha256 = Record<(typeof names)[number], string>;

let root: string;
let served: { url: string; close(): Promise<void> };
let standIn: { path: string; sha256: Sha256 };
/** Real executables (ELF programs from this host) under the four names: what a real release directory looks like. */
const realLooking = { path: 'real/v1.35.3/', sha256: {} as Sha256 };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stamper-k8s-binaries-'));
  const repoDir = join(root, 'repo');
  await mkdir(join(repoDir, realLooking.path), { recursive: true });
  standIn = await writeKubernetesBinaries(repoDir, release);
  for (const name of names) {
    const file = join(repoDir, realLooking.path, name);
    await copyFile('/usr/bin/true', file);
    realLooking.sha256[name] = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  }
  // the stand-in's own server, on loopback, as the slow tests and `npm run kubernetes-stand-in` serve it
  served = await serveDirectory(repoDir);
});
afterAll(async () => {
  await served?.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  vi.stubEnv('STAMPER_ALLOW_LOOPBACK_SOURCES', '1');
  return () => vi.unstubAllEnvs();
});

/** Runs the real kubernetes stage for a binaries spec on a bare tree, collecting what it reports. */
async function installBinaries(name: string, source: { path: string; sha256: Sha256 }) {
  const workDir = join(root, `work-${name}`);
  const tree = treeDir(workDir);
  for (const dir of ['usr/bin', 'usr/sbin', 'etc', 'lib/systemd/system']) await mkdir(join(tree, dir), { recursive: true });
  const spec = nodeImageSchema.parse(
    minimalInput({ kubernetes: { version: release.kubernetes, source: { type: 'binaries', baseUrl: `${served.url}${source.path}`, sha256: source.sha256 } } }),
  );
  const marks: string[] = [];
  const lines: string[] = [];
  const ctx: StageContext = {
    spec,
    buildKey: 'k',
    workDir,
    stageDir: join(workDir, 'stages/kubernetes'),
    outDir: join(workDir, 'out'),
    cacheDir: join(workDir, 'cache'),
    cacheOutDir: join(workDir, 'cache-out'),
    signer: { sign: () => Promise.reject(new Error('the kubernetes stage signs nothing')) },
    signal: new AbortController().signal,
    log: (line) => lines.push(line),
    progress: () => undefined,
    exec: (command, args, options) => runProcess(command, args, options),
    artifacts: { add: () => Promise.reject(new Error('no artifacts here')), list: () => [] },
    recordCheck: () => undefined,
    markTestImage: (reason) => marks.push(reason),
    published: () => undefined,
    recordInputs: () => undefined,
  };
  await mkdir(ctx.stageDir, { recursive: true });
  await kubernetesStage.run(ctx);
  return { marks, lines, tree, workDir };
}

describe('Kubernetes from binaries: stand-in executables make a test image', () => {
  it('marks a build whose binaries are the stand-in’s: build record event, log, and the release file', async () => {
    const { marks, lines, tree, workDir } = await installBinaries('stand-in', standIn);
    expect(await readFile(join(tree, 'usr/bin/kubelet'), 'utf8')).toContain('Kubernetes v1.35.3');
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatch(/^kubelet, kubeadm, kubectl, crictl are the Kubernetes stand-in's executables/);
    expect(lines.some((line) => line.startsWith(TEST_IMAGE_NOTICE))).toBe(true);
    // configure reads this for /etc/stamper-release
    const reason = await readTestImage(workDir);
    expect(reason).toBe(marks[0]);
    const info = { buildKey: 'k', specName: 'n', os: 'debian trixie', kubernetesVersion: '1.35.3', containerdVersion: '2.1.1', buildDate: 'd' };
    expect(renderStamperRelease({ ...info, testImage: reason })).toContain(`STAMPER_TEST_IMAGE='${TEST_IMAGE_NOTICE} (kubelet, kubeadm`);
  });

  it('does not mark real-looking binaries', async () => {
    const { marks, lines, tree, workDir } = await installBinaries('real', realLooking);
    expect((await readFile(join(tree, 'usr/bin/kubelet'))).subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(marks).toEqual([]);
    expect(lines.some((line) => line.includes(TEST_IMAGE_NOTICE))).toBe(false);
    expect(await readTestImage(workDir)).toBeNull();
  });
});
