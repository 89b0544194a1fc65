import { createHash } from 'node:crypto';
import { FIXTURE_KERNEL, startLifecycleWorld, type LifecycleWorld } from '../server/testing/lifecycle-fixture';
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

  // the successor's page opens on what changed: kernel and Kubernetes first, then the packages
  const changes = page.getByRole('region', { name: `Changes since build ${first}` });
  const versions = changes.getByRole('group', { name: 'Versions before and after' });
  await expect(versions).toContainText(`Kernel${FIXTURE_KERNEL.replace('linux-image-', '')} (6.12.57-1) (unchanged)`);
  await expect(versions).toContainText('Kubernetes1.35.3 (unchanged)');
  const fixtureChange = changes.getByRole('table', { name: 'Package differences' }).getByRole('row', { name: /stamper-fixture/ });
  await expect(fixtureChange).toContainText('Changed');
  await expect(fixtureChange).toContainText('1.0-1');
  await expect(fixtureChange).toContainText('2.0-1');
  await expect(changes.getByRole('row', { name: /base-files/ })).toContainText('13.8+deb13u1');
  await expect(changes.getByRole('status')).toContainText('2 changed');
  await expectNoSeriousA11yViolations(page);

  // previous: back along the chain to the build it rebuilt
  await page
    .getByRole('navigation', { name: 'Rebuilds' })
    .getByRole('link', { name: `build ${first}` })
    .click();
  await expect(page).toHaveURL(new RegExp(`/builds/${first}$`));
  await expect(page.getByRole('region', { name: /^Changes since/ })).toHaveCount(0);

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

test('a channel policy builds the successor on security updates and puts it on candidate once verified', async ({ page, request }) => {
  const fleet = await startLifecycleWorld();
  try {
    const created = await request.post('/api/builds?force=true', { data: fleet.spec('fleet'), headers: { 'content-type': 'application/yaml' } });
    expect(created.ok(), await created.text()).toBe(true);
    const first = ((await created.json()) as { build: { id: string } }).build.id;
    await waitForState(request, first, ['succeeded']);

    await page.goto(`/builds/${first}`);
    const channels = page.getByRole('region', { name: 'Channels' });
    await channels.getByRole('button', { name: 'Promote this build' }).click();
    const stable = channels.getByRole('group', { name: 'Policy of fleet/stable' });
    await expect(stable).toContainText('No policy');
    await stable.getByRole('textbox').fill('Candidate');
    await stable.getByRole('button', { name: 'Set policy' }).click();
    await expect(stable).toContainText('Target channel must be lower-case');
    await stable.getByRole('textbox').fill('candidate');
    await stable.getByRole('button', { name: 'Set policy' }).click();
    await expect(stable).toContainText('put it on candidate once its boot check passed');
    await expectNoSeriousA11yViolations(page);

    // nothing to do while the image is current
    await stable.getByRole('button', { name: 'Apply policy now' }).click();
    await expect(stable.getByRole('list', { name: 'Policy runs of fleet/stable' })).toHaveCount(0);

    await fleet.publishSecurityFix();
    await stable.getByRole('button', { name: 'Apply policy now' }).click();
    const runs = stable.getByRole('list', { name: 'Policy runs of fleet/stable' });
    await expect(runs).toContainText('2 security updates in build');
    await expect(runs).toContainText('verified and promoted', { timeout: 30_000 });
    const successor = ((await (await request.get(`/api/builds/${first}`)).json()) as { supersededBy: string }).supersededBy;
    await expect(channels.getByRole('list', { name: 'Channels of fleet' })).toContainText(`fleet/candidate → build ${successor}`);
    await expect(channels.getByRole('list', { name: 'Channels of fleet' })).toContainText('fleet/stable → this build');
    await expectNoSeriousA11yViolations(page);

    const candidate = (await (await request.get('/api/channels/fleet/candidate')).json()) as { buildId: string; history: { actor: string }[] };
    expect(candidate.buildId).toBe(successor);
    expect(candidate.history.map((h) => h.actor)).toEqual(['policy:stable']);

    // applied again for the same fixes: no second successor
    await stable.getByRole('button', { name: 'Apply policy now' }).click();
    await expect(runs.getByRole('listitem')).toHaveCount(1);

    await stable.getByRole('button', { name: 'Clear policy' }).click();
    await expect(stable).toContainText('No policy');
    await expect(runs.getByRole('listitem')).toHaveCount(1);
  } finally {
    await fleet.close();
  }
});
