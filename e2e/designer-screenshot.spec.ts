import { expect, test, waitForYamlEditor } from './fixtures';

// Refreshes the README's docs/screenshot.png; run with STAMPER_SCREENSHOT=1.
test.skip(!process.env.STAMPER_SCREENSHOT, 'set STAMPER_SCREENSHOT=1 to refresh docs/screenshot.png');

test('screenshot of the designer', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/');
  await waitForYamlEditor(page);
  await page.getByLabel('Image name').fill('edge-workers');
  await page
    .getByRole('button', { name: /Kubernetes/ })
    .first()
    .click();
  await expect(page.getByRole('radio', { name: 'Kubernetes 1.35' })).toBeChecked();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: 'docs/screenshot.png' });
});
