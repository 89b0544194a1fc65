import { expect, scriptedSpec, startStamperServer, submitBuild, test as buildsTest, waitForState, type RunningServer } from './builds-fixtures';

/** A server of its own, so its first build really is the first: no stage has finished here yet. */
const test = buildsTest.extend<object, { buildsServer: RunningServer }>({
  buildsServer: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring
    async ({}, provide) => {
      const server = await startStamperServer({ scripted: true, port: 0 });
      await provide(server);
      await server.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});

test('the first build on a new server shows an ETA from the built-in estimate, labelled as one', async ({ page, request }) => {
  const { id } = await submitBuild(request, scriptedSpec('first-ever', 'hang'));
  try {
    await waitForState(request, id, ['running']);
    await page.goto(`/builds/${id}`);
    const facts = page.getByRole('region', { name: 'Progress' }).locator('.st-facts');
    await expect(facts).toContainText(/Time left\s*about \d+ min \d\d s \(estimate from a reference machine; builds here will refine it\)/);
    await expect(facts).not.toContainText('unknown');
  } finally {
    await request.post(`/api/builds/${id}/cancel`);
  }
  await waitForState(request, id, ['canceled']);
});
