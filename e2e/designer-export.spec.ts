import { readFile } from 'node:fs/promises';
import { expect, replaceYaml, test, waitForYamlEditor } from './fixtures';

/** The Packer exports are made from the spec on screen, never from an earlier "last valid" one. */
const spec = (name: string, packages: string[]) => `# as shown
apiVersion: stamper/v1alpha1
kind: NodeImage
metadata:
  name: ${name}
spec:
  packages:
${packages.map((p) => `    - "${p}"`).join('\n')}
  outputs:
    - format: qcow2
`;

test('export is off with the reason while the spec has a problem, and sends the text on screen once fixed', async ({ page }) => {
  const exports: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname.startsWith('/api/specs/export/')) exports.push(request.postData() ?? '');
  });
  await page.goto('/');
  await waitForYamlEditor(page);
  await replaceYaml(page, spec('last-good', ['jq']));
  await expect(page.getByText('Valid spec')).toBeVisible();
  await replaceYaml(page, spec('shown-now', ['jq', ';rm -rf /']));
  await page
    .getByRole('navigation', { name: 'Designer steps' })
    .getByRole('button', { name: /Review/ })
    .click();

  const varFile = page.getByRole('button', { name: 'Download image-builder var file' });
  const packer = page.getByRole('button', { name: 'Download Packer template (HCL2)' });
  await test.step('both exports are disabled and say why, in the form’s words', async () => {
    await expect(varFile).toBeDisabled();
    await expect(packer).toBeDisabled();
    await expect(varFile).toHaveAccessibleDescription(
      /Export is off until the spec has no problems \(1 now\); the first: Packages, item 2: must be a Debian package name/,
    );
    await varFile.click({ force: true });
    await packer.click({ force: true });
    expect(exports).toEqual([]);
  });

  await test.step('Export YAML says it saves the text as it is', async () => {
    await expect(page.getByRole('button', { name: 'Export YAML as is (1 problem)' })).toBeVisible();
  });

  await test.step('fixed, the export is made from the text on screen', async () => {
    await replaceYaml(page, spec('shown-now', ['jq', 'htop']));
    await expect(packer).toBeEnabled();
    const downloadPromise = page.waitForEvent('download');
    await packer.click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toBe('shown-now.pkr.hcl');
    expect(exports).toHaveLength(1);
    expect(exports[0]).toContain('# as shown');
    expect(exports[0]).toContain('name: shown-now');
    const template = await readFile(await download.path(), 'utf8');
    expect(template).toContain('source "qemu" "shown_now"');
    expect(template).toContain('htop');
  });
});
