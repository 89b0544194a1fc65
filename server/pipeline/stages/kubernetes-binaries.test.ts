import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeImageSchema, type NodeImage } from '../../../src/spec/schema.ts';
import { minimalInput } from '../../../src/spec/test-specs.ts';
import type { StageContext } from '../stage.ts';
import { treeDir } from '../work-layout.ts';
import { kubernetesStage } from './kubernetes.ts';

const names = ['kubelet', 'kubeadm', 'kubectl', 'crictl'] as const;
const content = (name: string) => `#!/bin/sh\necho ${name}\n`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The binaries source of the kubernetes stage, on a loopback server, into a tree laid out like a merged-/usr Debian. */
describe('the kubernetes stage installing binaries by URL', () => {
  let server: Server;
  let spec: NodeImage;
  const allowLoopbackBefore = process.env.STAMPER_ALLOW_LOOPBACK_SOURCES;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const name = request.url?.split('/').at(-1) ?? '';
      if ((names as readonly string[]).includes(name)) response.end(content(name));
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sums = Object.fromEntries(names.map((name) => [name, sha256(content(name))])) as Record<(typeof names)[number], string>;
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bin/`;
    spec = nodeImageSchema.parse(minimalInput({ kubernetes: { version: '1.35.3', source: { type: 'binaries', baseUrl, sha256: sums } } }));
    // the download client obeys the operator's source policy, which the test server needs to be loopback-friendly
    process.env.STAMPER_ALLOW_LOOPBACK_SOURCES = '1';
  });
  afterAll(async () => {
    if (allowLoopbackBefore === undefined) delete process.env.STAMPER_ALLOW_LOOPBACK_SOURCES;
    else process.env.STAMPER_ALLOW_LOOPBACK_SOURCES = allowLoopbackBefore;
    await new Promise((resolve) => server.close(resolve));
  });

  function workDirWithTree(): { workDir: string; tree: string; host: string } {
    const workDir = mkdtempSync(join(tmpdir(), 'stamper-k8s-binaries-'));
    const tree = treeDir(workDir);
    for (const dir of ['usr/bin', 'usr/sbin', 'usr/lib', 'etc', 'stages/kubernetes'])
      mkdirSync(join(dir.startsWith('stages') ? workDir : tree, dir), { recursive: true });
    symlinkSync('usr/lib', join(tree, 'lib'));
    const host = join(workDir, 'host');
    mkdirSync(host);
    writeFileSync(join(host, 'passwd'), 'root:x:0:0\n');
    return { workDir, tree, host };
  }

  const context = (workDir: string): StageContext => ({
    spec,
    buildKey: 'b'.repeat(64),
    workDir,
    stageDir: join(workDir, 'stages', 'kubernetes'),
    outDir: join(workDir, 'out'),
    cacheDir: join(workDir, 'cache'),
    cacheOutDir: join(workDir, 'cache-out'),
    signal: new AbortController().signal,
    log: () => undefined,
    progress: () => undefined,
    exec: () => Promise.reject(new Error('the binaries source runs no programs')),
    artifacts: { add: () => Promise.reject(new Error('unused')), list: () => [] },
    recordCheck: () => undefined,
    markTestImage: () => undefined,
    published: () => undefined,
    recordInputs: () => undefined,
    signer: { sign: () => Promise.reject(new Error('the kubernetes stage signs nothing')) },
  });

  it('puts the binaries, units and the CNI link in the image, replacing a planted link instead of writing through it', async () => {
    const { workDir, tree, host } = workDirWithTree();
    symlinkSync(join(host, 'passwd'), join(tree, 'usr/bin/kubectl'));
    await kubernetesStage.run(context(workDir));

    for (const name of names) {
      const file = join(tree, 'usr/bin', name);
      expect(lstatSync(file).isFile(), name).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o755);
      expect(readFileSync(file, 'utf8')).toBe(content(name));
    }
    expect(readFileSync(join(tree, 'usr/lib/systemd/system/kubelet.service'), 'utf8')).toContain('kubelet');
    expect(readFileSync(join(tree, 'usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf'), 'utf8')).toContain('kubeadm');
    expect(readlinkSync(join(tree, 'opt/cni/bin'))).toBe('/usr/lib/cni');
    expect(readFileSync(join(host, 'passwd'), 'utf8')).toBe('root:x:0:0\n');
    rmSync(workDir, { recursive: true, force: true });
  });

  it('refuses a link out of the tree in a directory it writes into, and leaves the host alone', async () => {
    const { workDir, tree, host } = workDirWithTree();
    mkdirSync(join(host, 'opt'));
    symlinkSync(join(host, 'opt'), join(tree, 'opt'));
    await expect(kubernetesStage.run(context(workDir))).rejects.toThrow(/\/opt is a symlink in the image/);
    expect(() => lstatSync(join(host, 'opt', 'cni'))).toThrow();
    rmSync(workDir, { recursive: true, force: true });
  });
});
