import { expect, replaceYaml, test, waitForYamlEditor } from './fixtures';

/**
 * The image built is the image shown: with any problem in the spec, Build is disabled and
 * says why, so nothing but the spec on screen is ever submitted.
 */
const yamlWithBadPackage = `apiVersion: stamper/v1alpha1
kind: NodeImage
metadata:
  name: workers
spec:
  packages:
    - jq
    - ";rm -rf /"
  outputs:
    - format: qcow2
`;

test('Build is disabled while the spec has a problem, names it in the form’s words, and sends nothing', async ({ page }) => {
  const submitted: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/builds') submitted.push(request.postData() ?? '');
  });
  await page.goto('/');
  await waitForYamlEditor(page);
  await replaceYaml(page, yamlWithBadPackage);
  await page
    .getByRole('button', { name: /Review/ })
    .first()
    .click();

  const build = page.getByRole('button', { name: 'Build', exact: true });
  await expect(build).toBeDisabled();
  await expect(build).toHaveAccessibleDescription(/Build is disabled until the spec has no problems/);
  const first = page.getByRole('link', { name: /First problem: Packages, item 2/ });
  await expect(first).toBeVisible();
  await build.click({ force: true });
  expect(submitted).toEqual([]);

  await test.step('a YAML syntax error blocks Build too', async () => {
    await replaceYaml(page, 'apiVersion: stamper/v1alpha1\nkind: [NodeImage\n');
    await expect(build).toBeDisabled();
  });
});
