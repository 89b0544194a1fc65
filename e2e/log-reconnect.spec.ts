import type { Page } from '@playwright/test';
import { expect, scriptedSpec, submitBuild, test, waitForState } from './builds-fixtures';

/** Reads the rendered log rows as [line number, text]. */
async function renderedLines(page: Page): Promise<[number, string][]> {
  return page
    .locator('.st-log__line')
    .evaluateAll((rows) =>
      rows.map((row) => [Number(row.getAttribute('data-line')), row.querySelector('.st-log__text')?.textContent ?? ''] as [number, string]),
    );
}

async function lineCount(page: Page): Promise<number> {
  const label = (await page.getByRole('region', { name: /^Log output, \d+ lines$/ }).getAttribute('aria-label')) ?? '';
  return Number(/(\d+) lines/.exec(label)?.[1] ?? 0);
}

/** The scripted "hang" build logs `pids …` and then `tick 1`, `tick 2`, … every 50 ms: line n is `tick n-1`. */
function expectConsecutiveTicks(lines: [number, string][]) {
  for (const [number, text] of lines) {
    if (number === 1) continue;
    expect(text, `line ${number}`).toBe(`tick ${number - 1}`);
  }
}

test('the live log resumes after the connection drops, with no line missing or repeated', async ({ page, request, context, buildsServer }) => {
  const { id } = await submitBuild(request, scriptedSpec('reconnect', 'hang', { packages: ['reconnect-test'] }));
  try {
    await page.goto(`/builds/${id}`);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('reconnect');
    await expect.poll(() => lineCount(page)).toBeGreaterThan(20);

    await test.step('drop the connection and come back', async () => {
      // offline keeps the browser from reconnecting at once; the cut ends the open stream
      await context.setOffline(true);
      buildsServer.dropConnections();
      await expect(page.getByText(/Connection lost; reconnecting/)).toBeVisible({ timeout: 15_000 });
      const whileOffline = await lineCount(page);
      await page.waitForTimeout(1500);
      await context.setOffline(false);
      await expect(page.getByText(/Connection lost; reconnecting/)).toBeHidden({ timeout: 20_000 });
      // lines written while offline arrive after the reconnect
      await expect.poll(() => lineCount(page)).toBeGreaterThan(whileOffline + 40);
    });

    await test.step('every line number holds its own tick, once', async () => {
      // stop the build so the log holds still while it is read
      await request.post(`/api/builds/${id}/cancel`);
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Canceled', { timeout: 20_000 });
      const total = await lineCount(page);
      await page.getByRole('checkbox', { name: 'Follow' }).check();
      const last = (await renderedLines(page)).at(-1);
      // no gap and no duplicate: the count of lines equals the last tick + 1
      expect(last?.[1]).toBe(`tick ${(last?.[0] ?? 0) - 1}`);
      expect(last?.[0]).toBe(total);
      // walk the whole log from the top and check every rendered row
      const scroller = page.getByRole('region', { name: /^Log output/ });
      await scroller.evaluate((el) => (el.scrollTop = 0));
      for (let top = 0; ;) {
        expectConsecutiveTicks(await renderedLines(page));
        const next = await scroller.evaluate((el) => {
          el.scrollTop += el.clientHeight - 40;
          return el.scrollTop;
        });
        if (next === top) break;
        top = next;
        await page.waitForTimeout(30);
      }
    });
  } finally {
    await request.post(`/api/builds/${id}/cancel`);
    await waitForState(request, id, ['canceled', 'failed', 'interrupted']);
  }
});
