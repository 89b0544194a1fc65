import { expect, test, waitForYamlEditor } from './fixtures';
import { scriptedSpec, submitBuild, test as buildsTest, waitForState } from './builds-fixtures';

/** Whatever replaces the whole draft (New design, an import, "Use as starting point") can be undone. */

test('"New design" asks first, starts from the defaults, and can be undone', async ({ page }) => {
  await page.goto('/');
  await waitForYamlEditor(page);
  await page.getByLabel('Image name').fill('keep-me');

  await test.step('backing out keeps the draft', async () => {
    await page.getByRole('button', { name: 'New design' }).click();
    const dialog = page.getByRole('dialog', { name: 'Start a new design?' });
    await expect(dialog).toContainText('“keep-me” is replaced by the defaults');
    await expect(dialog.getByRole('button', { name: 'Keep editing' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(page.getByLabel('Image name')).toHaveValue('keep-me');
  });

  await test.step('confirming starts over, Undo brings the draft back', async () => {
    await page.getByRole('button', { name: 'New design' }).click();
    await page.getByRole('button', { name: 'Start new design' }).click();
    await expect(page.getByLabel('Image name')).toHaveValue('my-node-image');
    const notice = page.getByRole('status').filter({ hasText: 'Started a new design' });
    await expect(notice).toContainText('the previous draft “keep-me” was replaced');
    await notice.getByRole('button', { name: 'Undo: bring back “keep-me”' }).click();
    await expect(page.getByLabel('Image name')).toHaveValue('keep-me');
    await expect(notice).toBeHidden();
  });
});

test('importing a spec file replaces the draft with an undo', async ({ page }) => {
  await page.goto('/');
  await waitForYamlEditor(page);
  await page.getByLabel('Image name').fill('before-import');
  await page.getByLabel('Spec file to import').setInputFiles({
    name: 'imported.yaml',
    mimeType: 'application/yaml',
    buffer: Buffer.from('apiVersion: stamper/v1alpha1\nkind: NodeImage\nmetadata:\n  name: imported\nspec: {}\n'),
  });
  await expect(page.getByLabel('Image name')).toHaveValue('imported');
  await page.getByRole('button', { name: 'Undo: bring back “before-import”' }).click();
  await expect(page.getByLabel('Image name')).toHaveValue('before-import');
});

buildsTest('"Use as starting point" on a build replaces the draft with an undo', async ({ page, request }) => {
  const { id } = await submitBuild(request, scriptedSpec('started-from-build', 'quick'));
  await waitForState(request, id, ['succeeded']);
  await page.goto('/');
  await waitForYamlEditor(page);
  await page.getByLabel('Image name').fill('work-in-progress');
  await expect.poll(() => page.evaluate(() => localStorage.getItem('stamper.draft.v1') ?? '')).toContain('work-in-progress');

  await page.goto(`/review/${id}`);
  await page.getByRole('button', { name: 'Use as starting point' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByLabel('Image name')).toHaveValue('started-from-build');
  await page.getByRole('button', { name: 'Undo: bring back “work-in-progress”' }).click();
  await expect(page.getByLabel('Image name')).toHaveValue('work-in-progress');
});
