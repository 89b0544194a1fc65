import { expect, replaceYaml, savedDraftYaml, test, visibleYaml, waitForYamlEditor, yamlEditor } from './fixtures';

const specYaml = (name: string, extra = '') => `# edited by hand
apiVersion: stamper/v1alpha1
kind: NodeImage
metadata:
  name: ${name}
spec:
  os:
    release: bookworm
  kubernetes:
    version: 1.33.9
  packages:
    - jq
${extra}`;

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await waitForYamlEditor(page);
});

test('the editor is labelled and loaded from this server', async ({ page }) => {
  await expect(yamlEditor(page)).toBeAttached();
  await expect(page.getByText('Valid spec')).toBeVisible();
});

test('editing the YAML updates the form', async ({ page }) => {
  await replaceYaml(page, specYaml('hand-written'));
  await expect(page.getByLabel('Image name')).toHaveValue('hand-written');
  await expect(page.getByRole('radio', { name: 'Debian 12 (bookworm)' })).toBeChecked();
  await page
    .getByRole('button', { name: /Packages/ })
    .first()
    .click();
  await expect(page.getByRole('button', { name: 'Remove jq' })).toBeVisible();

  await test.step('a form edit afterwards keeps the YAML comment', async () => {
    await page
      .getByRole('button', { name: /Base OS/ })
      .first()
      .click();
    await page.getByLabel('Image name').fill('hand-written-2');
    await expect.poll(() => savedDraftYaml(page)).toContain('name: hand-written-2');
    expect(await savedDraftYaml(page)).toContain('# edited by hand');
  });
});

test('invalid YAML is marked and never wipes the last valid draft', async ({ page }) => {
  await page.getByLabel('Image name').fill('last-good');
  await expect.poll(() => visibleYaml(page)).toContain('name: last-good');
  await replaceYaml(page, 'apiVersion: stamper/v1alpha1\nmetadata: [unclosed\n  name: broken\n');

  await expect(page.locator('.monaco-editor .squiggly-error').first()).toBeVisible();
  await expect(page.getByText(/YAML does not parse: the form keeps/)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Problems' })).toContainText(/Line \d+/);
  await expect(page.getByLabel('Image name')).toHaveValue('last-good');
  // Read-only meanwhile: a form edit would overwrite the text being fixed.
  await expect(page.getByLabel('Image name')).toBeDisabled();

  await test.step('the broken text and the last valid spec both survive a reload', async () => {
    await page.reload();
    await waitForYamlEditor(page).catch(() => undefined);
    await expect(page.getByText(/YAML does not parse: the form keeps/)).toBeVisible();
    await expect(page.getByLabel('Image name')).toHaveValue('last-good');
  });

  await test.step('discarding the YAML edits returns to the last valid spec', async () => {
    await page.getByRole('button', { name: 'Discard the YAML edits' }).click();
    await expect(page.getByText('Valid spec')).toBeVisible();
    await expect(page.getByLabel('Image name')).toBeEnabled();
    await expect.poll(() => visibleYaml(page)).toContain('name: last-good');
  });
});

test('a schema error shows as a marker and on the matching form field', async ({ page }) => {
  await replaceYaml(page, specYaml('Bad_Name'));
  const name = page.getByLabel('Image name');
  await expect(name).toHaveValue('Bad_Name');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription(/lower-case|DNS|must/i);
  await expect(page.locator('.monaco-editor .squiggly-error').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /Base OS.*has problems/ })).toBeVisible();
});

test('a cross-field rule error is marked in the editor too', async ({ page }) => {
  await replaceYaml(page, specYaml('rule-check').replace('1.33.9', '1.36.2'));
  await expect(page.getByText('1 problem', { exact: true })).toBeVisible();
  await expect(page.locator('.monaco-editor .squiggly-error').first()).toBeVisible();
  await page
    .getByRole('region', { name: 'Problems' })
    .getByRole('button', { name: /Line \d+/ })
    .click();
  await expect(yamlEditor(page)).toBeFocused();
  await page
    .getByRole('button', { name: /Runtime/ })
    .first()
    .click();
  await expect(page.getByRole('group', { name: 'containerd source' })).toContainText(/Kubernetes 1\.36 needs containerd/);
});

test('the editor completes keys from the NodeImage schema', async ({ page }) => {
  await replaceYaml(page, 'apiVersion: stamper/v1alpha1\nkind: NodeImage\nmetadata:\n  name: complete-me\nspec:\n  ');
  await page.keyboard.type('kub');
  await page.keyboard.press('Control+Space');
  await expect(page.locator('.monaco-editor .suggest-widget')).toContainText('kubernetes', { timeout: 15_000 });
});
