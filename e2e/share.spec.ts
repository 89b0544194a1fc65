import { readFile } from 'node:fs/promises';
import { expect, guardAgainstExternalRequests, replaceYaml, test, waitForYamlEditor } from './fixtures';

const importedSpec = `# imported from a file
apiVersion: stamper/v1alpha1
kind: NodeImage
metadata:
  name: from-file
spec:
  packages:
    - curl
`;

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await waitForYamlEditor(page);
});

test('export downloads the YAML as it is in the editor', async ({ page }) => {
  await replaceYaml(page, importedSpec.replace('from-file', 'exported'));
  await expect(page.getByLabel('Image name')).toHaveValue('exported');
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export YAML' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe('exported.yaml');
  const text = await readFile(await download.path(), 'utf8');
  expect(text).toContain('# imported from a file');
  expect(text).toContain('name: exported');
});

test('import a spec with the file picker', async ({ page }) => {
  const chooserPromise = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import spec…' }).click();
  const chooser = await chooserPromise;
  await chooser.setFiles({ name: 'workers.yaml', mimeType: 'application/yaml', buffer: Buffer.from(importedSpec) });
  await expect(page.getByRole('status').filter({ hasText: 'Loaded the spec from workers.yaml' })).toBeVisible();
  await expect(page.getByLabel('Image name')).toHaveValue('from-file');
});

test('import a spec by dropping a file', async ({ page }) => {
  const dataTransfer = await page.evaluateHandle(
    (text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'dropped.yaml', { type: 'application/yaml' }));
      return data;
    },
    importedSpec.replace('from-file', 'dropped'),
  );
  const form = page.getByRole('region', { name: /Step 1 of 8/ });
  await form.dispatchEvent('dragenter', { dataTransfer });
  await form.dispatchEvent('dragover', { dataTransfer });
  await form.dispatchEvent('drop', { dataTransfer });
  await expect(page.getByLabel('Image name')).toHaveValue('dropped');
  await expect(page.getByRole('status').filter({ hasText: 'dropped.yaml' })).toBeVisible();
});

test('an invalid file is loaded with its problems and the last valid spec kept', async ({ page }) => {
  const chooserPromise = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import spec…' }).click();
  await (await chooserPromise).setFiles({ name: 'broken.yaml', mimeType: 'application/yaml', buffer: Buffer.from('metadata: [oops') });
  await expect(page.getByRole('status').filter({ hasText: /broken\.yaml, but it is not a valid spec yet/ })).toBeVisible();
  await expect(page.getByLabel('Image name')).toHaveValue('my-node-image');
});

test('copy link and open it in a fresh browser', async ({ page, browser, context, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  await replaceYaml(page, importedSpec.replace('from-file', 'shared-by-link'));
  await expect(page.getByLabel('Image name')).toHaveValue('shared-by-link');
  await page.getByRole('button', { name: 'Copy link' }).click();
  const linkField = page.getByLabel(/Link copied to the clipboard|Copy this link/);
  await expect(linkField).toHaveValue(/#spec=/);
  const link = await linkField.inputValue();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

  await test.step('a new browser with no saved draft restores the spec from the link', async () => {
    const other = await browser.newContext();
    const external = await guardAgainstExternalRequests(other);
    const second = await other.newPage();
    await second.goto(link);
    await expect(second.getByLabel('Image name')).toHaveValue('shared-by-link');
    await expect(second.getByRole('status').filter({ hasText: 'Loaded the spec from the shared link' })).toBeVisible();
    await waitForYamlEditor(second);
    await expect(second.locator('.monaco-editor .view-lines')).toContainText('imported from a file');
    // The hash is consumed, so a reload keeps later edits instead of re-applying the link.
    expect(new URL(second.url()).hash).toBe('');
    await other.close();
    expect(external).toEqual([]);
  });
});

test('a corrupt link says so and keeps the draft', async ({ page }) => {
  await page.getByLabel('Image name').fill('still-here');
  await page.goto('/#spec=AAAAthis-is-not-deflate');
  await expect(page.getByRole('alert').filter({ hasText: /share link is corrupt/ })).toBeVisible();
  await expect(page.getByLabel('Image name')).toHaveValue('still-here');
});
