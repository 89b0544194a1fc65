import { replaceYaml } from './fixtures';
import { expect, expectNoSeriousA11yViolations, startStamperServer, test as buildsTest, waitForState, type RunningServer } from './builds-fixtures';

/**
 * The Review step's Build button against a server that refuses a spec whose sources fail
 * (the scripted server, with its preflight switched on: builds take seconds and fetch nothing).
 */
const test = buildsTest.extend<object, { buildsServer: RunningServer }>({
  buildsServer: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring
    async ({}, provide) => {
      const server = await startStamperServer({ scripted: true, port: 0, env: { STAMPER_PREFLIGHT: '1' } });
      await provide(server);
      await server.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});

/** A host no resolver knows (RFC 2606), so every source on it fails at once. */
const host = 'mirror.invalid';

test('Build is disabled while a source fails, says which, and is allowed again for a host the user vouches for', async ({ page, request }) => {
  await page.goto('/');
  await replaceYaml(
    page,
    [
      'apiVersion: stamper/v1alpha1',
      'kind: NodeImage',
      'metadata:',
      '  name: gated',
      '  labels:',
      '    scenario: quick',
      'spec:',
      '  os:',
      `    mirror: http://${host}/debian`,
      '  kubernetes:',
      '    source:',
      '      type: apt',
      `      repository: http://${host}/k8s/`,
      '  outputs:',
      '    - format: raw',
      '  verify:',
      // no final newline: Monaco dims the number of an empty last line below axe's contrast bar
      '    enabled: false',
    ].join('\n'),
  );
  await page
    .getByRole('navigation', { name: 'Designer steps' })
    .getByRole('button', { name: /Review/ })
    .click();
  const checks = page.getByRole('list', { name: 'Source checks' });
  const build = page.getByRole('button', { name: 'Build', exact: true });

  await test.step('Build is disabled, naming each failing source', async () => {
    await expect(checks.getByRole('listitem').filter({ hasText: 'unreachable' })).toHaveCount(5);
    await expect(build).toBeDisabled();
    const reason = page.locator('#build-blocked-sources');
    await expect(reason).toContainText('the build server cannot use 5 sources this spec names');
    await expect(reason).toContainText(`http://${host}/k8s/InRelease`);
    await expect(build).toHaveAccessibleDescription(/cannot use 5 sources/);
    await expectNoSeriousA11yViolations(page);
  });

  await test.step('vouching for the host skips its checks and enables Build', async () => {
    await page.getByRole('checkbox', { name: `Skip the checks of ${host}: the build machine can reach it though this server cannot` }).check();
    await expect(checks.getByRole('listitem').filter({ hasText: 'not checked (skipped)' })).toHaveCount(5);
    await expect(build).toBeEnabled();
  });

  await test.step('the build is submitted with the same override, and the server queues it', async () => {
    const submitted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/builds');
    await build.click();
    expect(new URL((await submitted).url()).searchParams.get('skipPreflight')).toBe(host);
    await expect(page).toHaveURL(/\/builds\/[0-9a-f-]{36}/);
    const id = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    await waitForState(request, id, ['succeeded']);
  });
});
