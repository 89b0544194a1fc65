import { expect, expectNoSeriousA11yViolations, test } from './builds-fixtures';

// The server reads a small Packages index from a loopback mirror the fixture starts (STAMPER_PACKAGES_MIRROR).
test('the Packages step searches the release index and adds a package to the spec', async ({ page }) => {
  await page.goto('/');
  await page
    .getByRole('navigation', { name: 'Designer steps' })
    .getByRole('button', { name: /Packages/ })
    .click();
  const search = page.getByLabel('Search by name or description');
  await search.fill('json');
  const results = page.getByRole('list', { name: 'Matching packages' });
  await expect(results.getByRole('listitem')).toHaveCount(1);
  await expect(results).toContainText('jq');
  await expect(results).toContainText('lightweight and flexible command-line JSON processor');
  await expect(results).toContainText('1.7.1-6');
  await expect(results).toContainText('150.0 KiB');
  await expectNoSeriousA11yViolations(page);

  await page.getByRole('button', { name: 'Add jq' }).click();
  await expect(page.getByRole('button', { name: 'jq added' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Remove jq' })).toBeVisible();

  await search.fill('zzzz-nothing');
  await expect(page.getByText(/No package in trixie matches/)).toBeVisible();
});
