import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDetailSchema } from '../../../src/spec/build-api.ts';
import { buildKey } from '../../../src/spec/build-key.ts';
import { TEST_IMAGE_NOTICE } from '../../../src/spec/build-events.ts';
import { nodeImageSchema } from '../../../src/spec/schema.ts';
import { minimalInput } from '../../../src/spec/test-specs.ts';
import { BuildStore } from '../../store/build-store.ts';
import { openDatabase } from '../../store/open-database.ts';
import { renderStamperRelease } from '../configure/node-config.ts';
import { runProcess } from '../exec.ts';
import { buildKubernetesAptRepo } from '../../stand-in/kubernetes-apt-repo.ts';
import { STAND_IN_MARKER, standInReason } from './stand-in.ts';

const release = { kubernetes: '1.35.0', crictl: '1.35.0', cni: '1.7.1' };
let work: string;

/** Installs the repository's kubelet into an empty tree with the real dpkg, as apt would inside the image. */
async function installKubelet(repo: string, tree: string): Promise<void> {
  await mkdir(join(tree, 'var/lib/dpkg/info'), { recursive: true });
  await mkdir(join(tree, 'var/lib/dpkg/updates'), { recursive: true });
  await writeFile(join(tree, 'var/lib/dpkg/status'), '');
  const deb = (await readdir(repo)).find((f) => f.startsWith('kubelet_'));
  if (!deb) throw new Error('no kubelet package');
  await runProcess('dpkg', ['--root', tree, '--force-not-root', '--force-script-chrootless', '--force-depends', '--force-unsafe-io', '-i', join(repo, deb)], {
    quiet: true,
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'stamper-stand-in-'));
  await buildKubernetesAptRepo(join(work, 'stand-in'), [release]);
  await buildKubernetesAptRepo(join(work, 'plain'), [release], { standIn: false });
  await installKubelet(join(work, 'stand-in'), join(work, 'tree-stand-in'));
  await installKubelet(join(work, 'plain'), join(work, 'tree-plain'));
}, 120_000);
afterAll(() => rm(work, { recursive: true, force: true }));

describe('Kubernetes stand-in packages are labelled and detected', () => {
  it('marks the stand-in repository and its packages, and not another repository', async () => {
    const standIn = await readFile(join(work, 'stand-in/Release'), 'utf8');
    expect(standIn).toContain(`Origin: ${STAND_IN_MARKER}`);
    expect(standIn).toMatch(/^Label: Stamper Kubernetes stand-in/m);
    expect(await readFile(join(work, 'plain/Release'), 'utf8')).not.toContain(STAND_IN_MARKER);
  });

  it('finds the stand-in in the installed package, and nothing in a real-looking one', async () => {
    expect(await standInReason(join(work, 'tree-stand-in'))).toMatch(/kubelet is the Kubernetes stand-in's package \("kubelet stand-in \[stamper-stand-in\]/);
    expect(await standInReason(join(work, 'tree-plain'))).toBeNull();
  });

  it('says so in the release file and the build record', async () => {
    const info = { buildKey: 'k', specName: 'n', os: 'debian trixie', kubernetesVersion: '1.35.0', containerdVersion: '2.1.1', buildDate: 'd' };
    expect(renderStamperRelease({ ...info, testImage: 'kubelet is a stand-in' })).toContain(
      `STAMPER_TEST_IMAGE='${TEST_IMAGE_NOTICE} (kubelet is a stand-in)'`,
    );
    expect(renderStamperRelease({ ...info, testImage: null })).not.toContain('STAMPER_TEST_IMAGE');

    const dataDir = await mkdtemp(path.join(tmpdir(), 'stamper-store-'));
    const store = new BuildStore(openDatabase(dataDir));
    try {
      const spec = nodeImageSchema.parse(minimalInput({}));
      const marked = store.createOrReuse({ buildKey: await buildKey(spec), spec, specYaml: '#', stages: ['kubernetes'] }, false).row;
      const plain = store.createOrReuse({ buildKey: 'other', spec, specYaml: '#', stages: ['kubernetes'] }, true).row;
      store.appendEvents(marked.id, [{ type: 'testImage', reason: 'kubelet is a stand-in' }]);
      expect(buildDetailSchema.parse(store.detail(marked.id)).testImage).toEqual({ reason: 'kubelet is a stand-in' });
      expect(buildDetailSchema.parse(store.detail(plain.id)).testImage).toBeNull();
    } finally {
      store.db.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
