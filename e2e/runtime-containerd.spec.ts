import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { expectNoSeriousA11yViolations } from './builds-fixtures';
import { expect, test, waitForYamlEditor } from './fixtures';

/**
 * Kubernetes 1.36+ with a release whose containerd is 1.x: the Runtime step offers upstream
 * containerd 2.x with the release tarball filled in and its SHA-256 read from the .sha256sum
 * file beside it. playwright.config.ts points the server's containerd releases URL
 * (STAMPER_CONTAINERD_RELEASES_URL, the containerd project's downloads by default) at the
 * loopback server this file starts, laid out like the project's release downloads.
 */
const releasesPort = Number(process.env.STAMPER_E2E_PORT ?? 4310) + 1001;
const releasesUrl = `http://127.0.0.1:${releasesPort}/`;
const version = '2.2.0';
const tarballName = `containerd-${version}-linux-amd64.tar.gz`;
const tarball = Buffer.from('a containerd release tarball stand-in');
const digest = createHash('sha256').update(tarball).digest('hex');

let releases: Server;
test.beforeAll(async () => {
  releases = createServer((req, res) => {
    if (req.url === `/v${version}/${tarballName}`) res.writeHead(200).end(tarball);
    else if (req.url === `/v${version}/${tarballName}.sha256sum`) res.writeHead(200).end(`${digest}  ${tarballName}\n`);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => releases.listen(releasesPort, '127.0.0.1', resolve));
});
test.afterAll(() => new Promise<void>((resolve) => releases.close(() => resolve())));

test('Kubernetes 1.36 with containerd 1.x: one click gives upstream containerd 2.x with its published SHA-256', async ({ page }) => {
  await page.goto('/');
  await waitForYamlEditor(page);
  const steps = page.getByRole('navigation', { name: 'Designer steps' });
  await steps.getByRole('button', { name: /Kubernetes/ }).click();
  await page.getByRole('radio', { name: 'Kubernetes 1.36' }).check();
  await steps.getByRole('button', { name: /Runtime/ }).click();

  const offer = page.getByRole('region', { name: 'The release’s containerd is too old' });
  await expect(offer).toContainText(/Kubernetes 1\.36 needs containerd 2\.x/);
  await expectNoSeriousA11yViolations(page);
  await offer.getByRole('button', { name: `Use upstream containerd ${version}` }).click();

  await test.step('the release tarball, its version and its published checksum are filled in', async () => {
    await expect(page.getByRole('radio', { name: 'Upstream release' })).toBeChecked();
    await expect(page.getByLabel('containerd version')).toHaveValue(version);
    await expect(page.getByLabel('Release tarball URL')).toHaveValue(`${releasesUrl}v${version}/${tarballName}`);
    await expect(page.getByLabel('Tarball SHA-256')).toHaveValue(digest);
    await expect(page.getByText(`SHA-256 taken from ${releasesUrl}v${version}/${tarballName}.sha256sum`)).toBeVisible();
    await expect(steps.getByRole('button', { name: /Runtime.*has problems/ })).toHaveCount(0);
  });

  await test.step('a pasted SHA-256 is shown as the user’s own', async () => {
    await page.getByLabel('Tarball SHA-256').fill('a'.repeat(64));
    await expect(page.getByText('SHA-256 entered by hand')).toBeVisible();
  });

  await test.step('another version: the URL follows, and a missing checksum file says so and asks for one', async () => {
    await page.getByLabel('containerd version').fill('2.1.9');
    await expect(page.getByLabel('Release tarball URL')).toHaveValue(`${releasesUrl}v2.1.9/containerd-2.1.9-linux-amd64.tar.gz`);
    await expect(page.getByLabel('Tarball SHA-256')).toHaveValue('');
    await page.getByRole('button', { name: 'Get the SHA-256 from the published .sha256sum file' }).click();
    await expect(page.getByText(/Could not read .*containerd-2\.1\.9-linux-amd64\.tar\.gz\.sha256sum: .*HTTP 404 Not Found\. Paste the SHA-256/)).toBeVisible();
    await expect(page.getByLabel('Tarball SHA-256')).toHaveValue('');
    await expectNoSeriousA11yViolations(page);
  });
});
