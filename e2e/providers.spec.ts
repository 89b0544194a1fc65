import { expect, replaceYaml, savedDraftYaml, test, waitForYamlEditor } from './fixtures';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: /Base OS/ })).toBeVisible();
  await waitForYamlEditor(page);
  await page
    .getByRole('button', { name: /Outputs/ })
    .first()
    .click();
});

/** The outputs of the saved draft's YAML as "format: target, target" lines. */
async function savedOutputs(page: import('@playwright/test').Page): Promise<string[]> {
  const yaml = await savedDraftYaml(page);
  const outputs = yaml.split(/\n\s*outputs:\s*\n/)[1]?.split(/\n\s{0,2}[a-z]+:\s*\n/)[0] ?? '';
  return outputs
    .split(/\n\s*- format: /)
    .map((item) => item.replace(/^\s*- format: /, ''))
    .filter((item) => item.trim() !== '')
    .map((item) => {
      const format = item.split('\n')[0]?.trim() ?? '';
      const targets = /targets:\s*\n((?:\s+- [a-z]+\n?)+)/.exec(item)?.[1]?.match(/- ([a-z]+)/g) ?? [];
      return `${format}: ${targets.map((t) => t.slice(2)).join(', ')}`;
    });
}

test('provider cards pick where nodes run and keep the YAML in step', async ({ page }) => {
  const where = page.getByRole('group', { name: 'Where will these nodes run?' });

  await test.step('a new spec runs on vSphere and generic QEMU, with what each adds in small print', async () => {
    await expect(where.getByRole('checkbox', { name: 'VMware vSphere' })).toBeChecked();
    await expect(where.getByRole('checkbox', { name: 'QEMU/KVM (generic)' })).toBeChecked();
    await expect(where.getByRole('checkbox', { name: 'VMware vSphere' })).toHaveAccessibleDescription(
      /OVA · open-vm-tools, cloud-init VMware \(guestinfo\) datasource/,
    );
    await expect(where.getByRole('checkbox', { name: 'Microsoft Azure' })).not.toBeChecked();
  });

  await test.step('picking Azure, Google Cloud and OpenStack adds their files; OpenStack shares the qcow2', async () => {
    await where.getByRole('checkbox', { name: 'Microsoft Azure' }).check();
    await where.getByRole('checkbox', { name: 'Google Cloud' }).check();
    await where.getByRole('checkbox', { name: 'OpenStack' }).check();
    await expect.poll(() => savedOutputs(page)).toEqual(['ova: vsphere', 'qcow2: qemu, openstack', 'vhd: azure', 'gce-tar: gcp']);
    await expect(where.getByText('Shares the qcow2 file above.')).toBeVisible();
    await expect(page.getByRole('checkbox', { name: 'Fixed VHD (Azure)' })).toBeDisabled();
    await expect(page.getByRole('button', { name: /Outputs.*has problems/ })).toHaveCount(0);
  });

  await test.step('unpicking vSphere removes the OVA; the qcow2 stays while OpenStack needs it', async () => {
    await where.getByRole('checkbox', { name: 'VMware vSphere' }).uncheck();
    await where.getByRole('checkbox', { name: 'QEMU/KVM (generic)' }).uncheck();
    await expect.poll(() => savedOutputs(page)).toEqual(['qcow2: openstack', 'vhd: azure', 'gce-tar: gcp']);
  });

  await test.step('AWS asks for its AMI settings, or can be written as a raw disk for import', async () => {
    await where.getByRole('checkbox', { name: 'Amazon EC2' }).check();
    await expect(page.getByLabel('AWS region')).toBeVisible();
    await page.getByLabel('Amazon EC2 file').selectOption({ label: 'Raw disk' });
    await expect(page.getByLabel('AWS region')).toHaveCount(0);
    await expect.poll(() => savedOutputs(page)).toEqual(['qcow2: openstack', 'vhd: azure', 'gce-tar: gcp', 'raw: aws']);
  });
});

test('targets written in the YAML show as picked cards, and a misplaced one is named on its card', async ({ page }) => {
  await replaceYaml(
    page,
    [
      'apiVersion: stamper/v1alpha1',
      'kind: NodeImage',
      'metadata:',
      '  name: hyperv-nodes',
      'spec:',
      '  outputs:',
      '    - format: vhdx',
      '      targets: [hyperv]',
      '    - format: qcow2',
      '      targets: [azure]',
      '',
    ].join('\n'),
  );
  const where = page.getByRole('group', { name: 'Where will these nodes run?' });
  await expect(where.getByRole('checkbox', { name: 'Microsoft Hyper-V' })).toBeChecked();
  await expect(where.getByRole('checkbox', { name: 'VMware vSphere' })).not.toBeChecked();
  await expect(where.getByRole('checkbox', { name: 'Microsoft Azure' })).toHaveAccessibleDescription(/imports a fixed VHD \(vhd\), not qcow2/);
  await expect(page.getByRole('button', { name: /Outputs.*has problems/ })).toBeVisible();
});

test('KubeVirt asks where to push the containerDisk, and the editor gets the reference the schema checks', async ({ page }) => {
  const where = page.getByRole('group', { name: 'Where will these nodes run?' });
  await where.getByRole('checkbox', { name: 'KubeVirt' }).check();
  // it shares the generic qcow2 until it is given a containerDisk of its own
  await page.getByLabel('KubeVirt file').selectOption({ label: 'KubeVirt containerDisk' });
  const registry = page.getByLabel('Push to registry');
  await registry.fill('nodes/workers');
  await expect(registry).toHaveAccessibleDescription(/"nodes" is not a registry host\[:port\]/);
  await registry.fill('registry.example:5000/nodes/workers');
  await expect(registry).not.toHaveAccessibleDescription(/is not a registry host/);
  await page.getByLabel('Plain http (a registry on a trusted network)').check();
  await expect.poll(() => savedDraftYaml(page)).toMatch(/push:\s*\n\s+reference: registry\.example:5000\/nodes\/workers\s*\n\s+plainHttp: true/);
  await registry.fill('');
  await expect.poll(() => savedDraftYaml(page)).not.toContain('push:');
});
