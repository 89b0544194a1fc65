import { expect, expectNoSeriousA11yViolations, scriptedSpec, submitBuild, test, waitForState } from './builds-fixtures';

/**
 * A succeeded build with an OVA, a qcow2 and an AMI (the scripted server's "providers"
 * scenario): the build page shows the Cluster API bootstrap check on its own line and one
 * drop-in snippet per provider, whose copy button copies exactly what the API serves.
 */
test('the build page shows the bootstrap check and a copyable Cluster API snippet per provider', async ({ page, request }) => {
  const { id } = await submitBuild(request, scriptedSpec('capi-snippets', 'providers'));
  await waitForState(request, id, ['succeeded']);
  await page.goto(`/builds/${id}`);

  await test.step('the Cluster API bootstrap check has a line of its own', async () => {
    const bootstrap = page.getByRole('group', { name: 'Cluster API bootstrap' });
    await expect(bootstrap.getByText('Cluster API bootstrap: passed')).toBeVisible();
    await expect(bootstrap).toContainText('kubeadm join --config ran and read it');
  });

  const section = page.getByRole('region', { name: 'Cluster API manifests' });
  await test.step('one snippet per provider the outputs serve', async () => {
    for (const title of ['vSphere', 'AWS', 'OpenStack', 'Proxmox']) {
      await expect(section.getByRole('article', { name: new RegExp(`^${title} ·`) })).toBeVisible();
    }
    await expect(section.getByRole('article')).toHaveCount(4);
    const openstack = section.getByRole('article', { name: /^OpenStack ·/ });
    await expect(openstack.locator('pre')).toContainText('kind: Image');
    // absolute, on the origin the server was addressed by (the test's proxy names the server itself)
    await expect(openstack.locator('pre')).toContainText(new RegExp(`url: http://127\\.0\\.0\\.1:\\d+/api/builds/${id}/artifacts/workers\\.qcow2`));
    await expect(section.getByRole('article', { name: /^AWS ·/ }).locator('pre')).toContainText('id: ami-0123456789abcdef0');
  });

  await test.step('copy puts the exact snippet the API serves on the clipboard', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const button = section.getByRole('button', { name: 'Copy the OpenStack manifest' });
    await button.click();
    await expect(button).toHaveText('Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const served = (await (await request.get(`/api/builds/${id}/manifests`)).json()) as { manifests: { target: string; yaml: string }[] };
    expect(copied).toBe(served.manifests.find((m) => m.target === 'openstack')?.yaml);
  });

  await expectNoSeriousA11yViolations(page);
});
