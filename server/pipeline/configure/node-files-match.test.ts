import { spawnSync } from 'node:child_process';
import { lstat, mkdtemp, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderFileWrite } from '../../../src/spec/interop/setup-steps';
import { nodeFileWritesScript, nodeSetupScripts } from '../../../src/spec/interop/node-setup-scripts';
import { containerdVersionFor } from '../../../src/spec/node-definition';
import { kubernetesNodeFiles, runtimeNodeFiles } from '../../../src/spec/node-files';
import { nodeImageSchema, type NodeImage } from '../../../src/spec/schema';
import { minimalInput } from '../../../src/spec/test-specs';
import { writeNodeFiles } from '../tree-files';
import { NATIVE_BASE_FILES, NATIVE_SERVICES, writeNodeSettings } from './node-config';

/** bash reads /etc/bash.bashrc when stdin is a socket (node's pipes are) and SHLVL is low, as under a bare CI shell: no stdin then. */
const quietStdin: ['ignore', 'pipe', 'pipe'] = ['ignore', 'pipe', 'pipe'];

const cases: [string, NodeImage][] = [
  ['distro containerd 1.x, Kubernetes from apt', nodeImageSchema.parse(minimalInput({ kubernetes: { version: '1.34.5' } }))],
  [
    "the spec's own sysctls and modules",
    nodeImageSchema.parse(
      minimalInput({
        kubernetes: { version: '1.34.5', source: { type: 'apt', repository: 'http://127.0.0.1:8080/k8s/deb' } },
        sysctl: { 'vm.max_map_count': '262144', 'fs.inotify.max_user_watches': '524288' },
        kernelModules: ['ip_vs', 'ip_vs_rr'],
      }),
    ),
  ],
  [
    'upstream containerd 2.x, Kubernetes binaries by URL',
    nodeImageSchema.parse(
      minimalInput({
        runtime: {
          source: 'upstream',
          version: '2.1.0',
          systemdCgroup: false,
          upstream: { url: 'https://example.test/containerd.tgz', sha256: 'a'.repeat(64) },
        },
        kubernetes: {
          version: '1.36.2',
          source: {
            type: 'binaries',
            baseUrl: 'https://example.test/bin/',
            sha256: { kubelet: 'b'.repeat(64), kubeadm: 'c'.repeat(64), kubectl: 'd'.repeat(64), crictl: 'e'.repeat(64) },
          },
        },
      }),
    ),
  ],
];

interface WrittenFile {
  mode: string;
  content: string;
}

/** Every file and link under root by its image path, with its permission bits. */
async function readTree(root: string, dir = ''): Promise<Record<string, WrittenFile>> {
  const found: Record<string, WrittenFile> = {};
  for (const name of await readdir(join(root, dir))) {
    const path = `${dir}/${name}`;
    const info = await lstat(join(root, path));
    if (info.isDirectory()) Object.assign(found, await readTree(root, path));
    else {
      const content = info.isSymbolicLink() ? `-> ${await readlink(join(root, path))}` : await readFile(join(root, path), 'utf8');
      found[path] = { mode: (info.mode & 0o7777).toString(8), content };
    }
  }
  return found;
}

const omit = (files: Record<string, WrittenFile>, paths: readonly string[]): Record<string, WrittenFile> =>
  Object.fromEntries(Object.entries(files).filter(([path]) => !paths.includes(path)));

/** The units the export enables for the node, outside the spec's own customizations. */
function unitsEnabledByExport(image: NodeImage): string[] {
  return nodeSetupScripts(image)
    .filter((s) => s.name !== 'customizations')
    .flatMap((s) => s.script.split('\n'))
    .flatMap((line) => /^systemctl enable (.+)$/.exec(line)?.[1]?.split(' ') ?? [])
    .map((word) => word.replace(/^'(.*)'$/, '$1'));
}

let scratch = '';
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'stamper-node-files-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('the configure stage and the exported provisioning script write the same node', () => {
  for (const [name, image] of cases) {
    it(`writes byte-identical node files (${name})`, async () => {
      const spec = image.spec;
      // the fact the native build reads from the tree; the export takes it from the catalog
      const containerdVersion = containerdVersionFor(spec);
      const native = await mkdtemp(join(scratch, 'native-'));
      // what the rootfs, kubernetes and configure stages write through the node definition
      await writeNodeFiles(native, runtimeNodeFiles(spec));
      await writeNodeFiles(native, kubernetesNodeFiles(spec));
      await writeNodeSettings(native, spec, { containerdVersion });

      const exported = await mkdtemp(join(scratch, 'export-'));
      const run = spawnSync('bash', ['-euo', 'pipefail', '-c', nodeFileWritesScript(image, exported)], { encoding: 'utf8', stdio: quietStdin });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);

      const nativeFiles = await readTree(native);
      const exportedFiles = await readTree(exported);
      const nativeOnly = NATIVE_BASE_FILES.map((f) => f.path);
      expect(Object.keys(exportedFiles).length).toBeGreaterThan(5);
      expect(exportedFiles).toEqual(omit(nativeFiles, nativeOnly));
      expect(Object.keys(nativeFiles).filter((path) => !(path in exportedFiles))).toEqual(expect.arrayContaining(nativeOnly));
      expect(Object.keys(nativeFiles).length - Object.keys(exportedFiles).length).toBe(nativeOnly.length);

      // the file writes that ran are the ones in the exported scripts, and no other command writes those paths
      const scripts = nodeSetupScripts(image)
        .map((s) => s.script)
        .join('\n');
      let rest = scripts;
      for (const [path, { content }] of Object.entries(exportedFiles)) {
        const write = renderFileWrite({ path, content }, '');
        expect(scripts).toContain(write);
        rest = rest.replace(write, '');
      }
      for (const path of Object.keys(nativeFiles)) expect(rest).not.toMatch(new RegExp(`>\\s*'?${path.replace(/[.]/g, '\\.')}'?(\\s|$)`));
    });

    it(`enables the same units (${name})`, () => {
      const enabled = unitsEnabledByExport(image);
      expect(enabled.length).toBeGreaterThan(0);
      expect(NATIVE_SERVICES.filter((unit) => !enabled.includes(unit))).toEqual(['systemd-networkd.service']);
      expect(enabled.filter((unit) => !NATIVE_SERVICES.includes(unit))).toEqual([]);
    });
  }
});
