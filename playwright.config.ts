import { defineConfig } from '@playwright/test';

// STAMPER_E2E_PORT lets two checkouts run their browser suites side by side.
const port = Number(process.env.STAMPER_E2E_PORT ?? 4310);
const baseURL = `http://127.0.0.1:${port}`;
/** e2e/review-sources.spec.ts serves a Kubernetes stand-in here; the server offers it in the designer. */
const standInPort = port + 1000;
/** e2e/runtime-containerd.spec.ts serves containerd release files here, as the server's containerd releases mirror. */
const containerdReleasesPort = port + 1001;

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Two cores: one worker keeps Chromium and the server from starving each other.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list'], ['junit', { outputFile: 'test-results/e2e-junit.xml' }]] : [['list']],
  use: {
    baseURL,
    headless: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    // The real server over the built SPA, with a data directory of its own for every run.
    // dist/ is built as usual (the builds e2e serves it too), then served from a private
    // copy: other suites may rebuild dist/ while these tests run.
    command: [
      'run_dir="$(mktemp -d -t stamper-e2e-XXXXXX)"',
      `trap 'rm -rf "$run_dir"' EXIT INT TERM`,
      'npm run build',
      'cp -R dist "$run_dir/dist"',
      // loopback sources allowed explicitly: the tests' stand-in and mirror run on 127.0.0.1
      `STAMPER_ALLOW_LOOPBACK_SOURCES=1 STAMPER_STAND_IN_URL=http://127.0.0.1:${standInPort}/ STAMPER_CONTAINERD_RELEASES_URL=http://127.0.0.1:${containerdReleasesPort}/ STAMPER_STATIC_DIR="$run_dir/dist" node --import tsx server/main.ts serve --host 127.0.0.1 --port ${port} --data-dir "$run_dir/data"`,
    ].join(' && '),
    url: `${baseURL}/api/catalog`,
    reuseExistingServer: false,
    // SIGTERM (not SIGKILL) so the shell's trap removes the run's temp directory.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    timeout: 240_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
