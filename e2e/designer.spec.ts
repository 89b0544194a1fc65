import AxeBuilder from '@axe-core/playwright';
import { expect, replaceYaml, savedDraftYaml, test, visibleYaml, waitForYamlEditor } from './fixtures';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: /Base OS/ })).toBeVisible();
  await waitForYamlEditor(page);
});

test('designing through the form updates the YAML at once', async ({ page }) => {
  await test.step('name the image', async () => {
    await page.getByLabel('Image name').fill('gpu-workers');
    await expect.poll(() => visibleYaml(page)).toContain('name: gpu-workers');
  });

  await test.step('see incompatible Kubernetes versions before picking', async () => {
    await page
      .getByRole('button', { name: /Kubernetes/ })
      .first()
      .click();
    const k136 = page.getByRole('radio', { name: 'Kubernetes 1.36' });
    await expect(k136).toHaveAccessibleDescription(/needs containerd 2\.x \(upstream\)/);
    await page.getByRole('radio', { name: 'Kubernetes 1.34' }).check();
    await expect(page.getByLabel('Kubernetes version')).toHaveValue(/^1\.34\./);
    await expect.poll(() => visibleYaml(page)).toMatch(/version: 1\.34\.\d+/);
  });

  await test.step('add a package by name', async () => {
    await page.getByRole('button', { name: /Next: Packages/ }).click();
    await page.getByLabel('Package name').fill('htop');
    await page.getByRole('button', { name: 'Add package' }).click();
    await expect(page.getByRole('button', { name: 'Remove htop' })).toBeVisible();
    await expect.poll(() => visibleYaml(page)).toMatch(/packages:\s*\n\s*- htop/);
  });

  await test.step('add a raw disk output', async () => {
    await page
      .getByRole('button', { name: /Outputs/ })
      .first()
      .click();
    await page.getByRole('checkbox', { name: 'Raw disk' }).check();
    await expect.poll(() => savedDraftYaml(page)).toContain('format: raw');
  });

  await test.step('review the summary', async () => {
    await page.getByRole('button', { name: /Next: Review/ }).click();
    await expect(page.getByRole('definition').filter({ hasText: 'htop' })).toBeVisible();
    await expect(page.getByText('The spec is valid.')).toBeVisible();
  });
});

test('an incompatible pick is reported on the field that has to change', async ({ page }) => {
  await page
    .getByRole('button', { name: /Kubernetes/ })
    .first()
    .click();
  await page.getByRole('radio', { name: 'Kubernetes 1.36' }).check();
  await page
    .getByRole('button', { name: /Runtime/ })
    .first()
    .click();
  const source = page.getByRole('group', { name: 'containerd source' });
  await expect(page.getByRole('radio', { name: 'Distribution package' })).toHaveAccessibleDescription(/Kubernetes 1\.36 needs containerd 2\.x/);
  await expect(source).toContainText(/choose runtime source "upstream"/);
  await expect(page.getByRole('button', { name: /Runtime.*has problems/ })).toBeVisible();
  await page.getByRole('radio', { name: 'Upstream release' }).check();
  await expect(page.getByLabel('containerd version')).toBeVisible();
});

test('releases are marked before picking: Ubuntu needs a mirror, an old containerd cannot run the chosen Kubernetes', async ({ page }) => {
  await expect(page.getByRole('radio', { name: /Ubuntu 24\.04/ })).toHaveAccessibleDescription(/needs a mirror URL/);
  await expect(page.getByRole('radio', { name: /Debian 12/ })).toHaveAccessibleDescription(/cannot run Kubernetes 1\.35/);
  await expect(page.getByRole('radio', { name: /Debian 13/ })).not.toHaveAccessibleDescription(/cannot run/);
  await page.getByRole('button', { name: /Next: Runtime/ }).click();
  await expect(page.getByRole('radio', { name: 'Distribution package' })).not.toHaveAccessibleDescription(/needs containerd/);
});

test('a reload keeps the draft', async ({ page }) => {
  await page.getByLabel('Image name').fill('kept-after-reload');
  await expect.poll(() => savedDraftYaml(page)).toContain('name: kept-after-reload');
  await page.reload();
  await expect(page.getByLabel('Image name')).toHaveValue('kept-after-reload');
  await waitForYamlEditor(page);
  expect(await visibleYaml(page)).toContain('name: kept-after-reload');
});

test('the designer has no serious or critical accessibility violations', async ({ page }) => {
  const scan = async () => {
    const results = await new AxeBuilder({ page }).analyze();
    const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(blocking.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
  };
  const steps = page.getByRole('navigation', { name: 'Designer steps' });
  // Scan with content on every step and errors on some, not only the empty defaults.
  await page.getByLabel('Image name').fill('Not_Valid');
  await steps.getByRole('button', { name: /Users/ }).click();
  await page.getByLabel('New user name').fill('root');
  await page.getByRole('button', { name: 'Add user' }).click();
  await page.getByLabel('New user name').fill('admin');
  await page.getByRole('button', { name: 'Add user' }).click();
  await steps.getByRole('button', { name: /Node settings/ }).click();
  await page.getByLabel('New file path').fill('/etc/motd');
  await page.getByRole('button', { name: 'Add file' }).click();
  for (const step of ['Base OS', 'Runtime', 'Kubernetes', 'Packages', 'Users', 'Node settings', 'Outputs', 'Review']) {
    await test.step(step, async () => {
      await steps.getByRole('button', { name: new RegExp(step) }).click();
      await expect(page.getByRole('heading', { level: 2, name: new RegExp(step) })).toBeVisible();
      await scan();
    });
  }
  await test.step('with a link shown and the YAML broken', async () => {
    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect(page.getByLabel(/Link copied|Copy this link/)).toBeVisible();
    await replaceYaml(page, 'metadata: [broken');
    await expect(page.getByRole('button', { name: 'Discard the YAML edits' })).toBeVisible();
    await scan();
  });
});
