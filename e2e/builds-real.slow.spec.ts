import { test as base } from './fixtures';
import { replaceYaml } from './fixtures';
import { expect, expectNoSeriousA11yViolations, startStamperServer, type RunningServer } from './builds-fixtures';
import { sha256File } from '../server/signing/sha256sums';
import { startKubernetesAptRepo, type KubernetesAptRepo } from '../server/stand-in/kubernetes-apt-repo.ts';

/**
 * @slow: the real pipeline (mmdebstrap, the disk, zstd) behind the real server, driven from
 * Chromium. Minutes on a 2-core host, so it runs only with STAMPER_SLOW_E2E=1:
 *   STAMPER_SLOW_E2E=1 npx playwright test --grep @slow
 * The cheapest real spec: a 4 GiB raw disk, zstd-compressed, no boot check. The base tree is
 * cached in STAMPER_CACHE_DIR (default /var/cache/stamper-test) across runs; Kubernetes comes
 * from the signed loopback apt repository the pipeline's slow tests use.
 */
const slowRoot = process.env.STAMPER_SLOW_DIR ?? '/var/tmp/stamper-slow';

const test = base.extend<object, { realServer: RunningServer; kubernetesRepo: KubernetesAptRepo }>({
  kubernetesRepo: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring
    async ({}, provide) => {
      const repo = await startKubernetesAptRepo(`${slowRoot}/k8s-repo`, [{ kubernetes: '1.35.3', crictl: '1.35.0', cni: '1.7.1' }]);
      await provide(repo);
      await repo.close();
    },
    { scope: 'worker', timeout: 300_000 },
  ],
  realServer: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring
    async ({}, provide) => {
      const server = await startStamperServer({
        scripted: false,
        port: 0,
        env: { STAMPER_CACHE_DIR: process.env.STAMPER_CACHE_DIR ?? '/var/cache/stamper-test', STAMPER_ALLOW_LOOPBACK_SOURCES: '1' },
      });
      await provide(server);
      await server.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ realServer }, provide) => provide(realServer.url),
});

test.describe.configure({ mode: 'serial' });
test.skip(!process.env.STAMPER_SLOW_E2E, 'real pipeline builds take minutes: set STAMPER_SLOW_E2E=1');

function specYaml(name: string, repoUrl: string, packages: string[]): string {
  return [
    'apiVersion: stamper/v1alpha1',
    'kind: NodeImage',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    `  packages: [${packages.join(', ')}]`,
    '  kubernetes:',
    '    version: 1.35.3',
    '    source:',
    '      type: apt',
    `      repository: ${repoUrl}`,
    '  disk:',
    '    sizeGiB: 4',
    '  outputs:',
    '    - format: raw',
    '      compression: zstd',
    '  verify:',
    '    enabled: false',
    '',
  ].join('\n');
}

const buildIds: string[] = [];

async function submitFromDesigner(page: import('@playwright/test').Page, yaml: string): Promise<string> {
  await page.goto('/');
  await replaceYaml(page, yaml);
  await page
    .getByRole('navigation', { name: 'Designer steps' })
    .getByRole('button', { name: /Review/ })
    .click();
  await page.getByRole('button', { name: 'Build', exact: true }).click();
  await expect(page).toHaveURL(/\/builds\/[0-9a-f-]{36}/, { timeout: 30_000 });
  return /\/builds\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';
}

test('@slow a spec with a package that does not exist fails in rootfs, and the page says why', async ({ page, kubernetesRepo }) => {
  test.setTimeout(10 * 60_000);
  await submitFromDesigner(page, specYaml('slow-missing-package', kubernetesRepo.url, ['stamper-no-such-package']));
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Failed', { timeout: 8 * 60_000 });
  const summary = page.getByRole('region', { name: 'Why this build failed' });
  await expect(summary).toContainText('Base system failed');
  await expect(summary).toContainText('stamper-no-such-package');
  await expect(page.getByRole('button', { name: /rootfs — Base system/ }).first()).toHaveAttribute('aria-expanded', 'true');
  await expectNoSeriousA11yViolations(page);
});

test('@slow a real build streams its log live, succeeds, and its download matches the SHA-256', async ({ page, kubernetesRepo }) => {
  test.setTimeout(25 * 60_000);
  const id = await submitFromDesigner(page, specYaml('slow-a', kubernetesRepo.url, []));
  buildIds.push(id);

  await test.step('the log streams while it runs', async () => {
    // with the base tree cached the first lines come from later stages, so any line will do
    await expect(page.getByRole('region', { name: /^Log output, [1-9]\d* lines$/ })).toBeVisible({ timeout: 5 * 60_000 });
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Running');
    await expect(page.getByRole('progressbar', { name: 'Overall progress' })).toBeVisible();
  });

  await test.step('it succeeds', async () => {
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Succeeded', { timeout: 20 * 60_000 });
    await expect(page.getByRole('img', { name: /Build timeline/ })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Installed packages' })).toContainText('kubelet');
  });

  await test.step('the downloaded disk has the SHA-256 the page shows', async () => {
    const link = page.getByRole('link', { name: /^Download .*\.raw/ }).first();
    const name = ((await link.getAttribute('download')) ?? '').trim();
    const shown = ((await page.getByTestId(`sha256-${name}`).textContent()) ?? '').trim();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), link.click()]);
    expect(await sha256File(await download.path())).toBe(shown);
  });
  await expectNoSeriousA11yViolations(page);
});

test('@slow two real builds compare: spec diff and SBOM package diff', async ({ page, kubernetesRepo }) => {
  test.setTimeout(25 * 60_000);
  test.skip(buildIds.length === 0, 'needs the successful build of the previous test');
  const second = await submitFromDesigner(page, specYaml('slow-b', kubernetesRepo.url, ['jq']));
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Succeeded', { timeout: 20 * 60_000 });

  await page.goto(`/review/compare?a=${buildIds[0]}&b=${second}`);
  const diff = page.getByTestId('spec-diff');
  await expect(diff.locator('.editor.modified .view-lines')).toContainText('jq', { timeout: 20_000 });
  const packages = page.getByRole('region', { name: 'Package differences' });
  await expect(packages.getByRole('status')).toContainText(/[1-9]\d* added/);
  await expect(packages.getByRole('table', { name: 'Package differences' })).toContainText('jq');
  await expectNoSeriousA11yViolations(page);
});
