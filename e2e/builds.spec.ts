import { nodeImageYaml, openDesignerStep, replaceYaml } from './fixtures';
import { expect, expectNoSeriousA11yViolations, scriptedSpec, submitBuild, test, waitForState } from './builds-fixtures';
import { sha256File } from '../server/signing/sha256sums';

/**
 * The build pages against the real server; the pipeline child is the server's scripted
 * stand-in (labels.scenario), so these run in seconds. e2e/builds-real.slow.spec.ts runs the
 * real pipeline.
 */

test('submitting from the designer follows the build live to its result', async ({ page }) => {
  await page.goto('/');
  await replaceYaml(
    page,
    nodeImageYaml('submitted-live', ['  packages: [submitted-live]', '  outputs:', '    - format: raw', '  verify:', '    enabled: false'], {
      scenario: 'stream',
    }),
  );
  await openDesignerStep(page, /Review/);
  await page.getByRole('button', { name: 'Build', exact: true }).click();

  await test.step('the build page opens and the log streams in', async () => {
    await expect(page).toHaveURL(/\/builds\/[0-9a-f-]{36}/);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('submitted-live');
    await expect(page.getByRole('progressbar', { name: 'Base system progress' })).toBeVisible();
    await expect(page.getByRole('region', { name: /^Log output, \d+ lines$/ })).toContainText(/line \d+/);
  });

  await test.step('it ends succeeded with every one of the 300 lines, once', async () => {
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Succeeded', { timeout: 30_000 });
    await expect(page.getByRole('region', { name: 'Log output, 300 lines' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Downloads', exact: true })).toBeVisible();
  });

  await test.step('submitting the identical spec again opens the same build and says so', async () => {
    const firstUrl = page.url();
    await page.goto('/');
    await openDesignerStep(page, /Review/);
    await page.getByRole('button', { name: 'Build', exact: true }).click();
    await expect(page.getByText(/An identical spec was already built/)).toBeVisible();
    expect(page.url().split('?')[0]).toBe(firstUrl.split('?')[0]);
  });
});

test('a finished build offers its files with checksums that match the download, its contents and timeline', async ({ page, request }) => {
  const { id } = await submitBuild(request, scriptedSpec('results', 'quick', { packages: ['results-test'] }));
  await waitForState(request, id, ['succeeded']);
  await page.goto(`/builds/${id}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Succeeded');

  await test.step('the downloaded file has the SHA-256 the table shows', async () => {
    const shown = (await page.getByTestId('sha256-workers.raw').textContent())?.trim() ?? '';
    expect(shown).toMatch(/^[0-9a-f]{64}$/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download workers.raw' }).click()]);
    expect(download.suggestedFilename()).toBe('workers.raw');
    expect(await sha256File(await download.path())).toBe(shown);
  });

  await test.step('the SHA-256 can be copied', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy SHA-256 of workers.raw' }).click();
    await expect(page.getByRole('button', { name: 'Copy SHA-256 of workers.raw' })).toHaveText('Copied');
  });

  await test.step('image contents: a searchable package table and a size chart', async () => {
    await expect(page.getByRole('heading', { name: 'Image contents' })).toBeVisible();
    await expect(page.getByRole('img', { name: /Largest packages: kubelet/ })).toBeVisible();
    const table = page.getByRole('table', { name: 'Installed packages' });
    // kubelet, bash and the spec's one package (the scripted build lists it too)
    await expect(table.getByRole('row')).toHaveCount(4);
    await page.getByLabel('Find a package').fill('kube');
    await expect(table.getByRole('row')).toHaveCount(2);
    await expect(table).toContainText('1.35.3-1.1');
  });

  await test.step('how to check a download: the server key and plain OpenSSH commands', async () => {
    const panel = page.getByRole('region', { name: 'Verify downloads' });
    await expect(panel.getByLabel('Verify commands')).toContainText('ssh-keygen -Y verify');
    // checks the files that were downloaded, not fails on those that were not
    await expect(panel.getByLabel('Verify commands')).toContainText('sha256sum --ignore-missing -c SHA256SUMS');
    await expect(panel.getByLabel('Public key')).toContainText(/^ssh-ed25519 /);
  });

  await expect(page.getByRole('img', { name: /Build timeline: Base system/ })).toBeVisible();
  await expect(page.getByRole('link', { name: /Download log/ })).toHaveAttribute('href', `/api/builds/${id}/log`);
  await expectNoSeriousA11yViolations(page);
});

test('a failed build names the failing stage and the cause in plain words, and can be retried', async ({ page, request }) => {
  const { id } = await submitBuild(request, scriptedSpec('broken', 'fail', { packages: ['broken-test'] }));
  await waitForState(request, id, ['failed']);
  await page.goto(`/builds/${id}`);

  const summary = page.getByRole('region', { name: 'Why this build failed' });
  await expect(summary).toContainText('Base system failed while installing the operating system');
  await expect(summary).toContainText('The package "nonexistent" does not exist in the chosen release');
  await expect(summary).toContainText('E: Unable to locate package nonexistent');
  await expect(page.getByRole('button', { name: /rootfs — Base system/ })).toHaveAttribute('aria-expanded', 'true');
  await expectNoSeriousA11yViolations(page);

  await test.step('the overall progress says where it failed, not how many percent it got', async () => {
    await expect(page.getByRole('progressbar', { name: 'Overall progress' })).toHaveAttribute('aria-valuetext', 'Failed at Base system');
    const facts = page.getByRole('region', { name: 'Progress' }).locator('.st-facts');
    await expect(facts).toContainText('Failed at Base system');
    await expect(facts).not.toContainText('%');
  });

  await test.step("mmdebstrap's I: lines read as information, its E: lines as errors", async () => {
    const info = page.locator('.st-log__line', { hasText: 'I: automatically chosen mode: root' });
    const error = page.locator('.st-log__line', { hasText: 'E: Unable to locate package nonexistent' });
    await expect(info).toHaveClass(/st-log__line--info/);
    await expect(error).toHaveClass(/st-log__line--stderr/);
    const colour = (row: typeof info) => row.locator('.st-log__text').evaluate((el) => getComputedStyle(el).color);
    expect(await colour(info)).not.toBe(await colour(error));
  });

  await test.step('retry asks first, then opens the new build', async () => {
    await page.getByRole('button', { name: 'Retry' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Retry this build?' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Keep' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Retry' }).click();
    await expect(page).not.toHaveURL(new RegExp(id));
    await expect(page).toHaveURL(/\/builds\/[0-9a-f-]{36}/);
  });
});

test('cancel asks for confirmation and stops a running build', async ({ page, request }) => {
  const { id } = await submitBuild(request, scriptedSpec('endless', 'hang', { packages: ['cancel-test'] }));
  await page.goto(`/builds/${id}`);
  await expect(page.getByRole('region', { name: /^Log output/ })).toContainText('tick', { timeout: 15_000 });
  await page.getByRole('button', { name: 'Cancel build' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Keep' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Running');
  await page.getByRole('button', { name: 'Cancel build' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel build' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Canceled', { timeout: 20_000 });
  await expect(page.getByText(/This build was canceled/)).toBeVisible();
});

test('a queued build shows its place in the queue and starts when the one ahead ends', async ({ page, request }) => {
  const ahead = await submitBuild(request, scriptedSpec('ahead', 'hang', { packages: ['queue-ahead'] }));
  const waiting = await submitBuild(request, scriptedSpec('waiting', 'quick', { packages: ['queue-waiting'] }));
  try {
    await waitForState(request, ahead.id, ['running']);
    await page.goto(`/builds/${waiting.id}`);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Queued');
    await expect(page.getByText('Waiting in the queue: next to run.')).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  } finally {
    await request.post(`/api/builds/${ahead.id}/cancel`);
  }
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Succeeded', { timeout: 30_000 });
});

test('the log is searchable, foldable by stage and links to a line', async ({ page, request }) => {
  const { id } = await submitBuild(request, scriptedSpec('searchable', 'stream', { packages: ['search-test'] }));
  await waitForState(request, id, ['succeeded']);
  await page.goto(`/builds/${id}`);
  await expect(page.getByRole('region', { name: 'Log output, 300 lines' })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  const search = page.getByLabel('Search the log');
  await search.fill('line 25');
  // "line 25" and "line 250" … "line 259"
  await expect(page.getByRole('toolbar', { name: 'Log tools' }).getByRole('status')).toHaveText('11 matches');
  await search.press('Enter');
  await expect(page.getByRole('toolbar', { name: 'Log tools' }).getByRole('status')).toHaveText('1 of 11');
  await page.getByRole('button', { name: 'Previous match' }).click();
  await expect(page.getByRole('toolbar', { name: 'Log tools' }).getByRole('status')).toHaveText('11 of 11');
  await expect(page.locator('.st-log__line--current')).toContainText('line 259');

  await page.getByRole('button', { name: /rootfs — Base system \(300 lines\)/ }).click();
  await expect(page.locator('.st-log__line')).toHaveCount(0);
  await page.getByRole('button', { name: /rootfs — Base system/ }).click();

  await page.goto(`/builds/${id}#L120`);
  await expect(page.locator('.st-log__line--selected')).toContainText('line 120');
  await expect(page.getByRole('button', { name: 'Copy a link to line 120' })).toBeVisible();
});
