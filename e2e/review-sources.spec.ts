import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDirectory } from '../server/stand-in/kubernetes-apt-repo';
import { expect, nodeImageYaml, openDesignerStep, replaceYaml, test } from './fixtures';

/** The port playwright.config.ts tells the server its stand-in is served on. */
const standInPort = Number(process.env.STAMPER_E2E_PORT ?? 4310) + 1000;
const root = `http://127.0.0.1:${standInPort}/`;

let dir: string;
let served: { close(): Promise<void> };

test.beforeAll(async () => {
  // a Debian mirror's release file and a flat stand-in repository, on the loopback port the server knows
  dir = await mkdtemp(join(tmpdir(), 'stamper-e2e-sources-'));
  // the release, its -updates and (beside the mirror, as Debian lays it out) its -security suite
  for (const [archive, suite] of [
    ['debian', 'trixie'],
    ['debian', 'trixie-updates'],
    ['debian-security', 'trixie-security'],
  ] as const) {
    await mkdir(join(dir, archive, 'dists', suite), { recursive: true });
    await writeFile(join(dir, archive, 'dists', suite, 'InRelease'), `Suite: ${suite}\n`);
  }
  await writeFile(join(dir, 'InRelease'), 'Origin: stamper-stand-in\n');
  await writeFile(join(dir, 'Release.key'), '-----BEGIN PGP PUBLIC KEY BLOCK-----\n');
  served = await serveDirectory(dir, standInPort);
});
test.afterAll(async () => {
  await served.close();
  await rm(dir, { recursive: true, force: true });
});

test('the Review step checks each source, Build is refused while one fails, and the stand-in is offered', async ({ page }) => {
  await page.goto('/');
  await replaceYaml(
    page,
    nodeImageYaml('preflighted', [
      '  os:',
      `    mirror: ${root}debian`,
      '  kubernetes:',
      '    source:',
      '      type: apt',
      `      repository: ${root}missing/`,
    ]),
  );
  await openDesignerStep(page, /Review/);
  const sources = page.getByRole('region', { name: 'Sources' });
  const checks = sources.getByRole('list', { name: 'Source checks' });

  await test.step('each source shows its result', async () => {
    await expect(checks.getByRole('listitem')).toHaveCount(5);
    await expect(checks.getByRole('listitem').filter({ hasText: 'reachable (HTTP 200' })).toHaveCount(3);
    await expect(checks.getByRole('listitem').filter({ hasText: 'Distribution mirror' }).first()).toContainText(/reachable \(HTTP 200, \d+ ms\)/);
    await expect(checks.getByRole('listitem').filter({ hasText: 'Kubernetes apt repository' })).toContainText(
      `${root}missing/InRelease unreachable: HTTP 404 Not Found`,
    );
    await expect(checks.getByRole('listitem').filter({ hasText: 'Kubernetes signing key' })).toContainText('unreachable: HTTP 404 Not Found');
    await expect(sources.getByRole('alert')).toContainText('Point the repository at a mirror or proxy the build host can reach');
  });

  await test.step('Build is disabled, naming each URL and its error', async () => {
    const build = page.getByRole('button', { name: 'Build', exact: true });
    await expect(build).toBeDisabled();
    await expect(build).toHaveAccessibleDescription(/cannot use 2 sources this spec names/);
    const reason = page.locator('#build-blocked-sources');
    await expect(reason).toContainText(`${root}missing/InRelease: HTTP 404 Not Found`);
    await expect(reason).toContainText(`${root}missing/Release.key: HTTP 404 Not Found`);
  });

  await test.step("the server's stand-in is a labelled choice, and its sources pass", async () => {
    await page.getByRole('button', { name: /Use this server's Kubernetes stand-in \(test image/ }).click();
    await expect(checks.getByRole('listitem').filter({ hasText: 'Kubernetes apt repository' })).toContainText(`${root}InRelease reachable (HTTP 200`);
    await expect(checks.getByRole('listitem').filter({ hasText: 'Kubernetes signing key' })).toContainText(`${root}Release.key reachable (HTTP 200`);
    await expect(sources.getByRole('alert')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Build', exact: true })).toBeEnabled();
  });
});
