import { expect, guardAgainstExternalRequests, replaceYaml, test, waitForYamlEditor } from './fixtures';

/** A shared link travels to other people: the draft's password hash must not travel with it. */
const hash = '$6$rounds=5000$linksalt$sharedlinkhashvalueonlyforthistestabcdefghijklmnopqrstuvwxyz0123';
const specWithSecret = `# ops user for the edge nodes
apiVersion: stamper/v1alpha1
kind: NodeImage
metadata:
  name: shared-secret
spec:
  users:
    - name: ops
      passwordHash: "${hash}"
`;

test('a shared link leaves out the password hash and says so', async ({ page, browser }) => {
  await page.goto('/');
  await waitForYamlEditor(page);
  await replaceYaml(page, specWithSecret);
  await expect(page.getByLabel('Image name')).toHaveValue('shared-secret');
  await page.getByRole('button', { name: 'Copy link' }).click();
  const linkField = page.getByLabel(/Link copied to the clipboard|Copy this link/);
  await expect(linkField).toHaveValue(/#spec=/);
  await expect(page.getByText('Password hashes and keys are replaced by a placeholder in the link')).toBeVisible();
  const link = await linkField.inputValue();

  const other = await browser.newContext();
  const external = await guardAgainstExternalRequests(other);
  const second = await other.newPage();
  await second.goto(link);
  await expect(second.getByLabel('Image name')).toHaveValue('shared-secret');
  await waitForYamlEditor(second);
  const editor = second.locator('.monaco-editor .view-lines');
  await expect(editor).toContainText('ops user for the edge nodes');
  await expect(editor).toContainText('redacted');
  await expect(editor).not.toContainText('linksalt');
  await other.close();
  expect(external).toEqual([]);
});
