import { expect, savedDraftYaml, test, waitForYamlEditor } from './fixtures';

/**
 * Entries are checked with the spec's schema before they join a list: a rejected one stays
 * in its input with the reason beside it, and the draft (the YAML) never holds it.
 */
test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await waitForYamlEditor(page);
});

const step = (page: import('@playwright/test').Page, name: RegExp) =>
  page.getByRole('navigation', { name: 'Designer steps' }).getByRole('button', { name }).click();

test('a bad package name is refused at the input, a good one joins the list', async ({ page }) => {
  await step(page, /Packages/);
  const input = page.getByLabel('Package name');
  await input.fill(';rm -rf /');
  await page.getByRole('button', { name: 'Add package' }).click();
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await expect(input).toHaveAccessibleDescription(/must be a Debian package name/);
  await expect(input).toHaveValue(';rm -rf /');
  await expect(page.getByRole('button', { name: /^Remove ;rm/ })).toHaveCount(0);
  expect(await savedDraftYaml(page)).not.toContain('rm -rf');

  await input.fill('htop=3.4.1-5');
  await expect(input).toHaveAttribute('aria-invalid', 'false');
  await page.getByRole('button', { name: 'Add package' }).click();
  await expect(page.getByRole('list', { name: 'Extra packages' }).getByRole('button', { name: 'Remove htop=3.4.1-5' })).toBeVisible();
  await expect(input).toHaveValue('');
  await expect.poll(() => savedDraftYaml(page)).toContain('- htop=3.4.1-5');

  await input.fill('htop=3.4.1-5');
  await page.getByRole('button', { name: 'Add package' }).click();
  await expect(input).toHaveAccessibleDescription(/already in the list/);
});

test('sysctl keys and values, and kernel modules, are checked before they join', async ({ page }) => {
  await step(page, /Node settings/);
  const key = page.getByLabel('sysctl key');
  const value = page.getByLabel('Value', { exact: true });
  await key.fill('Not A Key');
  await value.fill('1');
  await page.getByRole('button', { name: 'Add sysctl' }).click();
  await expect(key).toHaveAccessibleDescription(/must be a dotted sysctl name/);

  await key.fill('__proto__');
  await page.getByRole('button', { name: 'Add sysctl' }).click();
  await expect(key).toHaveAccessibleDescription(/names a JavaScript object property/);

  await key.fill('net.core.somaxconn');
  await value.fill('1; reboot');
  await page.getByRole('button', { name: 'Add sysctl' }).click();
  await expect(value).toHaveAccessibleDescription(/may contain only letters, digits/);
  await expect(key).toHaveAttribute('aria-invalid', 'false');
  expect(await savedDraftYaml(page)).not.toContain('somaxconn');

  await value.fill('4096');
  await page.getByRole('button', { name: 'Add sysctl' }).click();
  await expect(page.getByRole('list', { name: 'sysctl settings' })).toContainText('net.core.somaxconn = 4096');
  await expect.poll(() => savedDraftYaml(page)).toContain('net.core.somaxconn: "4096"');

  const module = page.getByLabel('Kernel module', { exact: true });
  await module.fill('bad module');
  await page.getByRole('button', { name: 'Add module' }).click();
  await expect(module).toHaveAccessibleDescription(/must be a kernel module name/);
  await expect(page.getByRole('list', { name: 'Kernel modules' })).toHaveCount(0);
  await module.fill('overlay');
  await page.getByRole('button', { name: 'Add module' }).click();
  await expect(page.getByRole('list', { name: 'Kernel modules' }).getByRole('button', { name: 'Remove overlay' })).toBeVisible();
});

test('users and files are checked before a card is added for them', async ({ page }) => {
  await step(page, /Users/);
  const userName = page.getByLabel('New user name');
  await userName.fill('root');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(userName).toHaveAccessibleDescription(/system account name/);
  await expect(page.getByRole('group', { name: 'root' })).toHaveCount(0);

  await userName.fill('admin');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('group', { name: 'admin' })).toBeVisible();
  await userName.fill('admin');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(userName).toHaveAccessibleDescription(/user "admin" is listed more than once/);
  await expect(page.getByRole('group', { name: 'admin' })).toHaveCount(1);

  await step(page, /Node settings/);
  const path = page.getByLabel('New file path');
  await path.fill('etc/motd');
  await page.getByRole('button', { name: 'Add file' }).click();
  await expect(path).toHaveAccessibleDescription(/must be an absolute path/);
  await path.fill('/proc/sys/foo');
  await page.getByRole('button', { name: 'Add file' }).click();
  await expect(path).toHaveAccessibleDescription(/must not be under \/proc/);
  expect(await savedDraftYaml(page)).not.toMatch(/etc\/motd|\/proc\/sys/);
  await path.fill('/etc/motd');
  await page.getByRole('button', { name: 'Add file' }).click();
  await expect(page.getByRole('group', { name: '/etc/motd' })).toBeVisible();
});
