import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDirectory } from '../server/stand-in/kubernetes-apt-repo';
import { expect, test, waitForYamlEditor } from './fixtures';

/**
 * Importing an image-builder var file says, key by key, what happened: not imported (once,
 * with the reason), imported but rejected by the spec, or a version the configured Kubernetes
 * repository does not serve. The repository is a flat apt index on loopback, which the e2e
 * server may read (STAMPER_ALLOW_LOOPBACK_SOURCES=1).
 */
let dir: string;
let served: { url: string; close(): Promise<void> };

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stamper-e2e-k8s-index-'));
  const stanza = (name: string, version: string) => `Package: ${name}\nVersion: ${version}\nArchitecture: amd64\n`;
  await writeFile(
    join(dir, 'Packages'),
    [
      stanza('kubelet', '1.35.3-1.1'),
      stanza('kubeadm', '1.35.3-1.1'),
      stanza('kubectl', '1.35.3-1.1'),
      stanza('cri-tools', '1.35.0-1.1'),
      stanza('kubernetes-cni', '1.7.1-1.1'),
    ].join('\n'),
  );
  served = await serveDirectory(dir);
});
test.afterAll(async () => {
  await served.close();
  await rm(dir, { recursive: true, force: true });
});

test('a var file import lists each dropped key once, names rejected values, and warns of a version the repository lacks', async ({ page }) => {
  await page.goto('/');
  await waitForYamlEditor(page);
  await page.getByLabel('Image name').fill('before-var-file');
  await page.getByText('Import an image-builder var file…').click();

  await test.step('the file is picked with a button like the others', async () => {
    const choose = page.getByRole('button', { name: 'Choose a var file…' });
    await expect(choose).toBeVisible();
    await expect(page.getByText('No file chosen')).toBeVisible();
    const chooserPromise = page.waitForEvent('filechooser');
    await choose.click();
    const chooser = await chooserPromise;
    await chooser.setFiles({
      name: 'workers.json',
      mimeType: 'application/json',
      buffer: Buffer.from(
        JSON.stringify({
          kubernetes_semver: 'v1.35.9',
          kubernetes_deb_repo: served.url,
          kubernetes_deb_gpg_key: `${served.url}Release.key`,
          containerd_url: 'https://example.com/containerd.tar.gz',
          containerd_sha256: 'https://example.com/containerd.tar.gz.sha256sum',
          http_proxy: 'http://proxy.corp:3128',
          extra_debs: 'jq ;rm',
        }),
      ),
    });
    await expect(page.getByText('workers.json', { exact: true })).toBeVisible();
  });

  await test.step('each key that is not imported is listed once, with its reason', async () => {
    const unsupported = page.getByRole('list', { name: 'Unsupported keys' }).getByRole('listitem');
    await expect(unsupported).toHaveText([
      /^containerd_sha256: Stamper needs the tarball's SHA-256 as 64 hex digits/,
      'containerd_url: not imported without its SHA-256 (see containerd_sha256)',
      'http_proxy: no Stamper equivalent',
    ]);
    await expect(page.getByRole('list', { name: 'Import notes' })).not.toContainText(/http_proxy|containerd_url/);
  });

  await test.step('a value the spec rejects is named with its key, and nothing claims to carry over', async () => {
    await expect(page.getByRole('list', { name: 'Rejected values' })).toContainText('extra_debs: Packages, item 2: must be a Debian package name');
    await expect(page.getByText(/carries over/)).toHaveCount(0);
  });

  await test.step('a version the configured repository does not serve is flagged', async () => {
    await expect(page.getByRole('list', { name: 'Import notes' })).toContainText(
      `${served.url} does not serve kubelet, kubeadm and kubectl 1.35.9 (it has 1.35.3-1.1)`,
    );
  });

  await test.step('loading it replaces the draft, with an undo', async () => {
    await page.getByRole('button', { name: 'Load into designer' }).click();
    await expect(page.getByLabel('Image name')).toHaveValue('imported-node-image');
    await expect(page.getByRole('status').filter({ hasText: 'Imported the var file workers.json' })).toBeVisible();
    await page.getByRole('button', { name: 'Undo: bring back “before-var-file”' }).click();
    await expect(page.getByLabel('Image name')).toHaveValue('before-var-file');
  });
});
