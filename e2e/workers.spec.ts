import { expect, test } from './fixtures';

// The e2e server runs builds itself (concurrency 1), so it is the one worker listed.
test('lists the server as a worker, drains it and resumes it', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Workers' }).click();
  const table = page.getByRole('table', { name: 'Workers' });
  const row = table.getByRole('row').nth(1);
  await expect(row.getByRole('cell').nth(2)).toHaveText('active');
  await expect(row).toContainText('0 of 1');

  await test.step('drain', async () => {
    await row.getByRole('button', { name: /^Drain / }).click();
    await expect(row.getByRole('cell').nth(2)).toHaveText('draining');
    const listed = (await (await page.request.get('/api/workers')).json()) as { items: { state: string }[] };
    expect(listed.items.map((w) => w.state)).toEqual(['draining']);
  });

  await test.step('resume', async () => {
    await row.getByRole('button', { name: /^Resume / }).click();
    await expect(row.getByRole('cell').nth(2)).toHaveText('active');
  });

  await page.goto('/audit');
  await expect(page.getByRole('table', { name: 'Audit log' })).toContainText('worker.resume');
  await expect(page.getByRole('table', { name: 'Audit log' })).toContainText('worker.drain');
});
