import { createHash } from 'node:crypto';
import { startLifecycleWorld, type LifecycleWorld } from '../server/testing/lifecycle-fixture';
import { expect, expectNoSeriousA11yViolations, test, waitForState } from './builds-fixtures';

/**
 * A real signed apt repository on loopback that publishes a security fix mid-test; the
 * scripted build child records the real state of its suites (the same code a build runs),
 * so what the page shows about inputs, rebuilds and lineage comes from the real server.
 */
let world: LifecycleWorld;
test.beforeAll(async () => {
  world = await startLifecycleWorld();
});
test.afterAll(async () => {
  await world?.close();
});

test('a build shows what it was built from, and Rebuild with updates makes a successor linked both ways', async ({ page, request }) => {
  const created = await request.post('/api/builds?force=true', { data: world.spec('patched'), headers: { 'content-type': 'application/yaml' } });
  expect(created.ok(), await created.text()).toBe(true);
  const first = ((await created.json()) as { build: { id: string } }).build.id;
  await waitForState(request, first, ['succeeded']);

  await page.goto(`/builds/${first}`);
  const inputs = page.getByRole('table', { name: 'Built from' });
  await expect(inputs.getByRole('row', { name: /^fixture-security/ })).toContainText('stable-security');
  await expect(inputs.getByRole('row', { name: /^fixture-security/ })).toContainText('(security)');
  await expect(inputs.getByRole('row', { name: /^Distro security/ })).toContainText('trixie-security');
  await expectNoSeriousA11yViolations(page);

  const updates = page.getByRole('region', { name: 'Updates' });
  await expect(updates.getByRole('status')).toContainText('Nothing newer');

  await world.publishSecurityFix();
  await updates.getByRole('button', { name: 'Check again' }).click();
  await expect(updates.getByRole('status')).toContainText('2 packages have a newer version, 2 from a security suite');
  const fixture = updates.getByRole('table', { name: 'Package updates' }).getByRole('row', { name: /stamper-fixture/ });
  await expect(fixture).toContainText('1.0-1');
  await expect(fixture).toContainText('2.0-1');
  await expect(fixture).toContainText('security');
  await expectNoSeriousA11yViolations(page);

  await page.getByRole('link', { name: 'All builds' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'patched' })).toContainText('2 (2 security)');
  await page.goBack();

  await page.getByRole('button', { name: 'Rebuild with updates' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Rebuild' }).click();
  await expect(page).not.toHaveURL(new RegExp(`/builds/${first}$`));
  const successor = new URL(page.url()).pathname.split('/').pop() ?? '';
  await expect(page.getByRole('navigation', { name: 'Rebuilds' })).toContainText(`Rebuild of build ${first}`);
  await waitForState(request, successor, ['succeeded']);

  await page.goto(`/builds/${first}`);
  const lineage = page.getByRole('navigation', { name: 'Rebuilds' });
  await expect(lineage).toContainText(`Superseded by build ${successor}`);
  await lineage.getByRole('link', { name: `build ${successor}` }).click();
  await expect(page).toHaveURL(new RegExp(`/builds/${successor}$`));
  await expect(page.getByRole('navigation', { name: 'Rebuilds' }).getByRole('link', { name: 'what changed' })).toHaveAttribute(
    'href',
    `/review/compare?a=${first}&b=${successor}`,
  );

  // the successor goes on stable after the first; consumers follow the channel URL; a rollback goes back one move
  await page.goto(`/builds/${first}`);
  const channels = page.getByRole('region', { name: 'Channels' });
  await channels.getByRole('button', { name: 'Promote this build' }).click();
  await expect(channels.getByRole('list', { name: 'Channels of patched' })).toContainText('patched/stable → this build');
  await page.goto(`/builds/${successor}`);
  await page.getByRole('region', { name: 'Channels' }).getByRole('button', { name: 'Promote this build' }).click();
  await expect(page.getByRole('region', { name: 'Channels' })).toContainText('patched/stable → this build');
  await expectNoSeriousA11yViolations(page);

  const viaChannel = (await (await request.get('/api/channels/patched/stable')).json()) as {
    buildId: string;
    artifacts: { name: string; sha256: string; url: string }[];
  };
  expect(viaChannel.buildId).toBe(successor);
  const raw = viaChannel.artifacts.find((a) => a.name === 'patched.raw');
  const body = await (await request.get(raw?.url ?? '')).body();
  expect(createHash('sha256').update(body).digest('hex')).toBe(raw?.sha256);

  await page.getByRole('button', { name: 'Roll back stable' }).click();
  await expect(page.getByRole('region', { name: 'Channels' })).toContainText(`patched/stable → build ${first}`);
});
