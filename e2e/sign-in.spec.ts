import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { startOidcProvider, type TestOidcProvider } from '../server/testing/oidc-test-provider';
import { startStamperServer, type RunningServer } from './builds-fixtures';
import { isExternalUrl } from './fixtures';

/**
 * Sign-in with a real OpenID provider (oidc-provider) on loopback: the browser walks the
 * authorization code flow through the provider's own login and consent pages. Roles come
 * from the provider's groups claim (STAMPER_OIDC_ROLE_MAP).
 */
const port = Number(process.env.STAMPER_E2E_PORT ?? 4310) + 11;
const base = `http://127.0.0.1:${port}`;

const spec = `apiVersion: stamper/v1alpha1
kind: NodeImage
metadata:
  name: signed-in
  labels:
    scenario: quick
spec:
  outputs:
    - format: raw
  verify:
    enabled: false
`;

let provider: TestOidcProvider;
let server: RunningServer;
test.beforeAll(async () => {
  // the server starts from source (tsx) next to the suite's own server
  test.setTimeout(150_000);
  provider = await startOidcProvider({
    redirectUris: [`${base}/api/auth/callback`],
    users: [
      { login: 'ada', name: 'Ada Admin', groups: ['stamper-admins'] },
      { login: 'vic', name: 'Vic Viewer', groups: ['staff'] },
    ],
  });
  server = await startStamperServer({
    scripted: true,
    port,
    env: {
      STAMPER_OIDC_ISSUER: provider.issuer,
      STAMPER_OIDC_CLIENT_ID: provider.clientId,
      STAMPER_OIDC_CLIENT_SECRET: provider.clientSecret,
      STAMPER_OIDC_REDIRECT_URL: `${base}/api/auth/callback`,
      STAMPER_OIDC_ROLE_MAP: 'stamper-admins=admin',
    },
  });
});
test.afterAll(async () => {
  await server?.stop();
  await provider?.close();
});

/**
 * A browser context that aborts every request leaving this machine and records those made
 * by Stamper's pages. The provider's development login pages ask for a web font; they are
 * the provider's, not Stamper's, so only their requests are not counted.
 */
async function guardedContext(browser: Browser): Promise<{ context: BrowserContext; external: string[] }> {
  const context = await browser.newContext();
  const external: string[] = [];
  context.on('request', (request) => {
    if (isExternalUrl(request.url()) && !request.frame().url().startsWith(provider.issuer)) external.push(request.url());
  });
  await context.route(
    (url) => isExternalUrl(url.href),
    (route) => route.abort('blockedbyclient'),
  );
  return { context, external };
}

/** The status of GET /api/builds with only this bearer token: no browser cookies. */
async function statusWithToken(token: string): Promise<number> {
  const response = await fetch(`${base}/api/builds`, { headers: { authorization: `Bearer ${token}` } });
  return response.status;
}

/** Through the provider's login and consent pages, back into Stamper. */
async function signIn(page: Page, login: string, name: string) {
  await page.goto(`${base}/`);
  await page.getByRole('link', { name: 'Sign in with your identity provider' }).click();
  await expect(page).toHaveURL(new RegExp(`^${provider.issuer}/interaction/`));
  await page.getByPlaceholder('Enter any login').fill(login);
  await page.getByPlaceholder('and password').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(`${base}/`);
  await expect(page.getByText(`Signed in as ${name}`)).toBeVisible();
}

test('a viewer signs in with OpenID Connect and cannot submit: the UI disables Build and the API answers 403', async ({ browser }) => {
  const { context, external } = await guardedContext(browser);
  const page = await context.newPage();
  await test.step('without a session the API refuses and the header offers sign-in', async () => {
    expect((await page.request.get(`${base}/api/builds`)).status()).toBe(401);
  });
  await signIn(page, 'vic', 'Vic Viewer');
  await expect(page.getByText('(viewer)')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Audit log' })).toHaveCount(0);

  await page
    .getByRole('button', { name: /Review/ })
    .first()
    .click();
  const build = page.getByRole('button', { name: 'Build', exact: true });
  await expect(build).toBeDisabled();
  await expect(build).toHaveAccessibleDescription(/Vic Viewer has the viewer role/);

  // the server decides, not the button: the same session's request is refused
  const refused = await page.request.post(`${base}/api/builds`, { data: spec, headers: { 'content-type': 'application/yaml' } });
  expect(refused.status()).toBe(403);
  expect((await page.request.get(`${base}/api/audit`)).status()).toBe(403);
  expect((await page.request.get(`${base}/api/builds`)).status()).toBe(200);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in', exact: true })).toBeVisible();
  expect((await page.request.get(`${base}/api/builds`)).status()).toBe(401);
  expect(external).toEqual([]);
  await context.close();
});

test('an admin reads the audit log (who submitted and canceled which build) and makes and revokes an access token', async ({ browser }) => {
  const { context, external } = await guardedContext(browser);
  const page = await context.newPage();
  await signIn(page, 'ada', 'Ada Admin');

  const created = await page.request.post(`${base}/api/builds?force=true`, { data: spec, headers: { 'content-type': 'application/yaml' } });
  expect(created.status(), await created.text()).toBe(201);
  const id = ((await created.json()) as { build: { id: string } }).build.id;
  const canceled = await page.request.post(`${base}/api/builds/${id}/cancel`);
  expect([200, 409]).toContain(canceled.status());

  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(`${base}/audit`);
  const log = page.getByRole('table', { name: 'Audit log' });
  const submitted = log.getByRole('row').filter({ hasText: 'build.submit' });
  await expect(submitted).toContainText('Ada Admin <ada>');
  await expect(submitted.getByRole('link', { name: `build ${id}` })).toBeVisible();
  if (canceled.status() === 200) await expect(log.getByRole('row').filter({ hasText: 'build.cancel' })).toContainText('Ada Admin <ada>');

  await test.step('an access token made on the tokens page works for the API once, and not after revoking', async () => {
    await page.getByRole('link', { name: 'Access tokens' }).click();
    await page.getByLabel('Token name').fill('ci-main');
    await page.getByLabel('Role').selectOption('builder');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await page.getByLabel('New access token').inputValue();
    expect(token).toMatch(/^stp_/);
    expect(await statusWithToken(token)).toBe(200);
    await page.getByRole('button', { name: 'Revoke ci-main' }).click();
    await expect(page.getByRole('table', { name: 'Access tokens' }).getByRole('row', { name: /ci-main/ })).toContainText('revoked');
    expect(await statusWithToken(token)).toBe(401);
  });
  expect(external).toEqual([]);
  await context.close();
});

test.describe('the single-token mode, and personal access tokens in the browser', () => {
  const tokenPort = port + 1;
  const tokenBase = `http://127.0.0.1:${tokenPort}`;
  const adminToken = 'e2e-single-admin-token-0123456789';
  let tokenServer: RunningServer;
  test.beforeAll(async () => {
    test.setTimeout(150_000);
    tokenServer = await startStamperServer({ scripted: true, port: tokenPort, env: { STAMPER_TOKEN: adminToken } });
  });
  test.afterAll(async () => {
    await tokenServer?.stop();
  });

  test('the page asks for a token, refuses a wrong one, and signs in with a viewer access token', async ({ browser, playwright }) => {
    const api = await playwright.request.newContext({ baseURL: tokenBase, extraHTTPHeaders: { authorization: `Bearer ${adminToken}` } });
    const created = await api.post('/api/tokens', { data: { name: 'ci-viewer', role: 'viewer' } });
    expect(created.status()).toBe(201);
    const viewerToken = ((await created.json()) as { token: string }).token;
    await api.dispose();

    const { context, external } = await guardedContext(browser);
    const page = await context.newPage();
    await page.goto(`${tokenBase}/`);
    await expect(page.getByRole('heading', { name: 'Sign in to Stamper' })).toBeVisible();
    // no identity provider here: only the token form
    await expect(page.getByRole('link', { name: 'Sign in with your identity provider' })).toHaveCount(0);
    await page.getByLabel('Access token').fill('not-the-token');
    await page.getByRole('button', { name: 'Use token' }).click();
    await expect(page.getByRole('alert')).toContainText('That token is not valid');

    await page.getByLabel('Access token').fill(viewerToken);
    await page.getByRole('button', { name: 'Use token' }).click();
    await expect(page.getByText('Signed in as ci-viewer')).toBeVisible();
    await expect(page.getByText('(viewer)')).toBeVisible();
    await expect(page.getByLabel('Image name')).toBeVisible();
    expect((await page.request.post(`${tokenBase}/api/builds`, { data: spec, headers: { 'content-type': 'application/yaml' } })).status()).toBe(403);
    expect(external).toEqual([]);
    await context.close();
  });
});
