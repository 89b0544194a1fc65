import { waitForYamlEditor } from './fixtures';
import { expect, expectNoSeriousA11yViolations, scriptedSpec, submitBuild, test, waitForState } from './builds-fixtures';

test('a build spec opens read-only and can be used as the starting point of a new design', async ({ page, request }) => {
  const { id } = await submitBuild(request, scriptedSpec('reviewed-spec', 'quick', { packages: ['htop'] }));
  await waitForState(request, id, ['succeeded']);
  await page.goto(`/review/${id}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Spec of reviewed-spec');
  const view = page.locator('.monaco-editor .view-lines');
  await expect(view).toContainText('name: reviewed-spec', { timeout: 20_000 });
  await expect(view).toContainText('htop');
  await expectNoSeriousA11yViolations(page);

  await page.getByRole('button', { name: 'Use as starting point' }).click();
  await expect(page).toHaveURL(/\/$/);
  await waitForYamlEditor(page);
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('reviewed-spec');
});

test('two builds compare side by side: spec diff in Monaco and package diff', async ({ page, request }) => {
  const a = await submitBuild(request, scriptedSpec('compare-a', 'quick', { packages: ['htop'] }));
  const b = await submitBuild(request, scriptedSpec('compare-b', 'quick', { packages: ['jq'], disk: { sizeGiB: 8 } }));
  await waitForState(request, a.id, ['succeeded']);
  await waitForState(request, b.id, ['succeeded']);

  await test.step('pick both in the build list', async () => {
    await page.goto('/builds?name=compare');
    await page.getByRole('checkbox', { name: new RegExp(`Select compare-a \\(${a.id.slice(0, 8)}\\)`) }).check();
    await page.getByRole('checkbox', { name: new RegExp(`Select compare-b \\(${b.id.slice(0, 8)}\\)`) }).check();
    await page.getByRole('button', { name: 'Compare selected (2/2)' }).click();
    await expect(page).toHaveURL(new RegExp(`/review/compare\\?a=${a.id}&b=${b.id}`));
  });

  await test.step('the spec diff shows both sides', async () => {
    const diff = page.getByTestId('spec-diff');
    await expect(diff.locator('.monaco-diff-editor')).toBeVisible({ timeout: 20_000 });
    await expect(diff.locator('.editor.original .view-lines')).toContainText('compare-a');
    await expect(diff.locator('.editor.modified .view-lines')).toContainText('compare-b');
    // Monaco marks changed lines on both sides
    await expect(diff.locator('.editor.modified .line-insert, .editor.modified .char-insert').first()).toBeVisible();
  });

  await test.step('the package diff says what changed, and whose size each column shows', async () => {
    const packages = page.getByRole('region', { name: 'Package differences' });
    await expect(packages.getByRole('status')).toContainText('1 added, 1 removed, 0 changed');
    const table = packages.getByRole('table', { name: 'Package differences' });
    await expect(table.getByRole('columnheader')).toHaveText(['Change', 'Package', 'Version in A', 'Version in B', 'Size in A', 'Size in B']);
    // the scripted build lists each spec package at 100 KiB per letter of its name
    await expect(table.getByRole('row', { name: /Removed htop/ }).getByRole('cell')).toHaveText(['Removed', '1.0-1', '—', '400.0 KiB', '—']);
    await expect(table.getByRole('row', { name: /Added jq/ }).getByRole('cell')).toHaveText(['Added', '—', '1.0-1', '—', '200.0 KiB']);
  });
  await expectNoSeriousA11yViolations(page);

  await test.step('both sides keep their names when the window narrows and widens again', async () => {
    // Monaco re-derives the inner editors' options when a narrow window switches the diff to inline
    const size = page.viewportSize() ?? { width: 1280, height: 720 };
    await page.setViewportSize({ width: 700, height: size.height });
    await expect(page.getByTestId('spec-diff').locator('.monaco-diff-editor.side-by-side')).toHaveCount(0);
    await page.setViewportSize(size);
    await expect(page.getByTestId('spec-diff').locator('.monaco-diff-editor.side-by-side')).toHaveCount(1);
    await expect(page.getByRole('textbox', { name: `Spec of build A (${a.id}), read-only` })).toHaveCount(1);
    await expect(page.getByRole('textbox', { name: `Spec of build B (${b.id}), read-only` })).toHaveCount(1);
  });
  await expectNoSeriousA11yViolations(page);
});

test('"Compare with another build" lists every build, with this one already picked', async ({ page, request }) => {
  const first = await submitBuild(request, scriptedSpec('compare-from', 'quick', { packages: ['htop'] }));
  const other = await submitBuild(request, scriptedSpec('another-design', 'quick', { packages: ['jq'] }));
  await waitForState(request, first.id, ['succeeded']);
  await waitForState(request, other.id, ['succeeded']);

  await page.goto(`/review/${first.id}`);
  await page.getByRole('link', { name: 'Compare with another build' }).click();
  await expect(page).toHaveURL(/\/builds/);
  await expect(page.getByRole('checkbox', { name: new RegExp(`Select compare-from \\(${first.id.slice(0, 8)}\\)`) })).toBeChecked();
  // a build of another name is listed too, and picking it compares the two
  await page.getByRole('checkbox', { name: new RegExp(`Select another-design \\(${other.id.slice(0, 8)}\\)`) }).check();
  await page.getByRole('button', { name: 'Compare selected (2/2)' }).click();
  await expect(page).toHaveURL(new RegExp(`/review/compare\\?a=${first.id}&b=${other.id}`));
});

test('the build list filters by state, name and Kubernetes version and links to each build and spec', async ({ page, request }) => {
  const ok = await submitBuild(request, scriptedSpec('listed-ok', 'quick', { packages: ['listed-ok'] }));
  const bad = await submitBuild(request, scriptedSpec('listed-bad', 'fail', { packages: ['listed-bad'] }));
  await waitForState(request, ok.id, ['succeeded']);
  await waitForState(request, bad.id, ['failed']);

  await page.goto('/builds');
  await expect(page.getByRole('heading', { level: 1, name: 'Builds' })).toBeVisible();
  await page.getByLabel('Name').fill('listed-');
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(3);
  await page.getByLabel('State').selectOption('failed');
  await expect(rows).toHaveCount(2);
  await expect(page).toHaveURL(/state=failed/);
  await expect(page.getByRole('link', { name: 'listed-bad', exact: true })).toHaveAttribute('href', `/builds/${bad.id}`);
  await expect(page.getByRole('link', { name: new RegExp(`Spec of listed-bad`) })).toHaveAttribute('href', `/review/${bad.id}`);
  await page.getByLabel('Kubernetes version').fill('1.20');
  await expect(page.getByText('No build matches these filters.')).toBeVisible();
  await page.getByLabel('Kubernetes version').fill('');
  await expectNoSeriousA11yViolations(page);

  await page.getByRole('link', { name: 'listed-bad', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Why this build failed' })).toBeVisible();
});
