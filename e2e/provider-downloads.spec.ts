import { expect, expectNoSeriousA11yViolations, scriptedSpec, submitBuild, test, waitForState } from './builds-fixtures';

/**
 * A succeeded build for five provider targets (the scripted server's "targets" scenario
 * writes one stand-in file per output and pushes the containerDisk): the build page groups
 * the downloads and the Cluster API snippets by provider, each target with its files, their
 * SHA-256 and its snippet with a copy button.
 */
test('the build page groups downloads and snippets by provider target', async ({ page, request }) => {
  const spec = scriptedSpec('edge', 'targets', {
    outputs: [
      { format: 'ova', targets: ['vsphere'] },
      { format: 'qcow2', targets: ['openstack', 'proxmox'] },
      { format: 'vhdx', targets: ['hyperv'] },
      { format: 'containerdisk', targets: ['kubevirt'], push: { reference: 'registry.example:5000/nodes/edge' } },
    ],
  });
  const { id } = await submitBuild(request, spec);
  await waitForState(request, id, ['succeeded']);
  const build = (await (await request.get(`/api/builds/${id}`)).json()) as { artifacts: { name: string; sha256: string }[]; published: { digest: string }[] };
  await page.goto(`/builds/${id}`);
  const downloads = page.getByRole('region', { name: 'Downloads' });

  await test.step('one section per target, in the spec’s order, each with its own files', async () => {
    const sections = downloads.getByRole('region');
    await expect(sections.getByRole('heading', { level: 3 })).toHaveText([
      'VMware vSphere',
      'OpenStack',
      'Proxmox VE',
      'Microsoft Hyper-V',
      'KubeVirt',
      'Other files',
    ]);
    const vsphere = downloads.getByRole('region', { name: 'VMware vSphere' });
    await expect(vsphere.getByRole('table', { name: 'Files for VMware vSphere' }).getByRole('rowheader')).toHaveText([
      'edge.ova',
      'edge-vsphere.metadata.json',
    ]);
    // the one qcow2 serves both targets that take it, each with its own metadata
    await expect(downloads.getByRole('region', { name: 'OpenStack' }).getByRole('rowheader')).toHaveText(['edge.qcow2', 'edge-openstack.metadata.json']);
    await expect(downloads.getByRole('region', { name: 'Proxmox VE' }).getByRole('rowheader')).toHaveText(['edge.qcow2', 'edge-proxmox.metadata.json']);
    await expect(downloads.getByRole('region', { name: 'Other files' }).getByRole('rowheader')).toHaveText(['workers.spdx.json']);
  });

  await test.step('each file shows the SHA-256 the server recorded', async () => {
    const qcow2 = build.artifacts.find((a) => a.name === 'edge.qcow2');
    expect(qcow2?.sha256).toMatch(/^[0-9a-f]{64}$/);
    await expect(downloads.getByRole('region', { name: 'OpenStack' }).getByTestId('sha256-edge.qcow2')).toHaveText(qcow2?.sha256 ?? '');
  });

  await test.step('each target carries its snippet; KubeVirt’s pins the pushed digest', async () => {
    const kubevirt = downloads.getByRole('region', { name: 'KubeVirt' });
    const digest = build.published[0]?.digest ?? '';
    await expect(kubevirt).toContainText(`pushed to registry.example:5000/nodes/edge:v1.35.3, digest ${digest}`);
    await expect(kubevirt.getByRole('article', { name: /^KubeVirt ·/ }).locator('pre')).toContainText(`image: registry.example:5000/nodes/edge@${digest}`);
    await expect(downloads.getByRole('region', { name: 'OpenStack' }).getByRole('article', { name: /^OpenStack ·/ })).toBeVisible();
    await expect(downloads.getByRole('region', { name: 'Microsoft Hyper-V' })).toContainText('No Cluster API snippet');
  });

  await test.step('a snippet’s copy button copies exactly what the API serves', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const button = downloads.getByRole('region', { name: 'VMware vSphere' }).getByRole('button', { name: 'Copy the vSphere manifest' });
    await button.click();
    await expect(button).toHaveText('Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const served = (await (await request.get(`/api/builds/${id}/manifests`)).json()) as { manifests: { target: string; yaml: string }[] };
    expect(copied).toBe(served.manifests.find((m) => m.target === 'vsphere')?.yaml);
  });

  await expectNoSeriousA11yViolations(page);
});
