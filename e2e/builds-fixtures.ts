import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { APIRequestContext, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect } from './fixtures';

/** The builds feature's e2e server port (the designer's e2e uses 4310). */
export const BUILDS_PORT = Number(process.env.STAMPER_BUILDS_E2E_PORT ?? 4320);
const repoRoot = path.resolve(import.meta.dirname, '..');

export interface RunningServer {
  /** Where the browser goes: a loopback proxy in front of the server. */
  url: string;
  dataDir: string;
  /** Cuts every open connection through the proxy, as a network drop would. */
  dropConnections(): void;
  /** The server's recent output, attached to failed tests. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * An HTTP proxy on loopback in front of the server, so a test can cut live connections
 * (Chromium's offline mode leaves an open EventSource alone). It names the server in Host
 * and Origin, as the server's guard only accepts requests addressed to itself.
 */
async function startCuttableProxy(target: string): Promise<{ url: string; drop(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const targetUrl = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const headers = { ...incoming.headers, host: targetUrl.host };
    if (headers.origin) headers.origin = targetUrl.origin;
    const upstream = httpRequest({ host: targetUrl.hostname, port: targetUrl.port, method: incoming.method, path: incoming.url, headers }, (response) => {
      outgoing.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(outgoing);
    });
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    drop: () => sockets.forEach((socket) => socket.destroy()),
    close: () =>
      new Promise((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

/** A package index the server reads instead of the real mirror, so the search is deterministic. */
const packagesIndex = [
  ['htop', '3.4.1-5', 'interactive processes viewer', 400],
  ['jq', '1.7.1-6', 'lightweight and flexible command-line JSON processor', 150],
  ['nfs-common', '1:2.8.3-1', 'NFS support files common to client and server', 1200],
]
  .map(([name, version, description, size]) => `Package: ${name}\nVersion: ${version}\nInstalled-Size: ${size}\nDescription: ${description}\n`)
  .join('\n');

async function startPackageMirror(): Promise<{ url: string; close(): Promise<void> }> {
  const body = gzipSync(packagesIndex);
  const server: Server = createServer((request, response) => {
    if (request.url?.endsWith('/main/binary-amd64/Packages.gz')) response.writeHead(200).end(body);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/debian/`, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * The test runner's environment minus its NODE_OPTIONS: Playwright's TypeScript loader hooks
 * would otherwise be inherited by the server and every build process, slowing them to a crawl.
 */
function serverEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  for (const key of Object.keys(env)) if (key.startsWith('PW_') || key.startsWith('PLAYWRIGHT_')) delete env[key];
  return env;
}

async function waitForServer(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output()}`);
    // /healthz is public, so a server that requires sign-in is seen as ready too
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`the server did not answer at ${url}:\n${output()}`);
}

/**
 * Starts the real HTTP server over the built SPA (`dist/`, built by the Playwright web
 * server step) with its own data dir. `scripted` swaps only the pipeline child process
 * for the server's scripted scenarios (labels.scenario), so UI flows take seconds; the
 * @slow suite runs the real pipeline.
 */
export async function startStamperServer(options: { scripted: boolean; port: number; env?: NodeJS.ProcessEnv }): Promise<RunningServer> {
  // a leftover server on the port would answer instead of ours and the tests would drive it
  if (
    options.port !== 0 &&
    (await fetch(`http://127.0.0.1:${options.port}/api/catalog`).then(
      () => true,
      () => false,
    ))
  ) {
    throw new Error(`port ${options.port} is already in use; stop that server or set STAMPER_BUILDS_E2E_PORT`);
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-builds-e2e-'));
  // A private copy of the built SPA: other suites rebuild the shared dist/ while we run,
  // and a page request in that moment would find no index.html.
  const staticDir = `${dataDir}-static`;
  for (let attempt = 0; !existsSync(path.join(staticDir, 'index.html')); attempt++) {
    if (attempt === 20) throw new Error('dist/index.html is missing: run npm run build first');
    if (existsSync(path.join(repoRoot, 'dist', 'index.html'))) cpSync(path.join(repoRoot, 'dist'), staticDir, { recursive: true });
    else await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const mirror = await startPackageMirror();
  const entry = options.scripted ? ['server/testing/serve-scripted.ts'] : ['server/main.ts', 'serve'];
  const child = spawn(process.execPath, ['--import', 'tsx', ...entry, '--host', '127.0.0.1', '--port', String(options.port), '--data-dir', dataDir], {
    cwd: repoRoot,
    // the package index obeys the source policy like a build, and the fixture's mirror is on loopback
    env: serverEnv({ STAMPER_PACKAGES_MIRROR: mirror.url, STAMPER_ALLOW_LOOPBACK_SOURCES: '1', STAMPER_STATIC_DIR: staticDir, ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
  // with port 0 the server picks one and says which: {"port":N} (scripted) or "listening on http://127.0.0.1:N"
  const port =
    options.port !== 0
      ? options.port
      : await new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`the server did not say its port:\n${log}`)), 90_000);
          const check = () => {
            const match = /"port":\s*(\d+)|listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
            if (match) {
              clearTimeout(timer);
              resolve(Number(match[1] ?? match[2]));
            }
          };
          child.stdout?.on('data', check);
          child.stderr?.on('data', check);
          check();
        });
  const url = `http://127.0.0.1:${port}`;
  await waitForServer(url, child, () => log);
  const proxy = await startCuttableProxy(url);
  return {
    url: proxy.url,
    dataDir,
    dropConnections: proxy.drop,
    output: () => log,
    async stop() {
      await proxy.close();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await mirror.close();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(staticDir, { recursive: true, force: true });
    },
  };
}

type Scenario = 'quick' | 'stream' | 'hang' | 'fail' | 'providers' | 'targets' | 'lifecycle';

/** A spec for the scripted server; `extra` changes the spec body so builds differ. */
export function scriptedSpec(name: string, scenario: Scenario, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'stamper/v1alpha1',
    kind: 'NodeImage',
    metadata: { name, labels: { scenario } },
    spec: { outputs: [{ format: 'raw' }], verify: { enabled: false }, ...extra },
  };
}

/** Submits over the API; `force` because specs that differ only in metadata share a build key. */
export async function submitBuild(request: APIRequestContext, spec: unknown, force = true): Promise<{ id: string; reused: boolean }> {
  const response = await request.post(`/api/builds${force ? '?force=true' : ''}`, { data: spec });
  expect(response.ok(), await response.text()).toBe(true);
  const body = (await response.json()) as { build: { id: string }; reused: boolean };
  return { id: body.build.id, reused: body.reused };
}

export async function waitForState(request: APIRequestContext, id: string, states: string[], timeoutMs = 30_000): Promise<string> {
  let state = '';
  await expect
    .poll(
      async () => {
        state = ((await (await request.get(`/api/builds/${id}`)).json()) as { state: string }).state;
        return states.includes(state);
      },
      { timeout: timeoutMs, intervals: [250, 500, 1000] },
    )
    .toBe(true);
  return state;
}

/** Fails on serious or critical axe violations, listing them. */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (process.env.AXE_DEBUG)
    console.log(
      JSON.stringify(
        serious.flatMap((v) => v.nodes.map((n) => [n.target, n.failureSummary, n.html])),
        null,
        1,
      ),
    );
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** `test` with a scripted Stamper server per worker, and `baseURL` pointing at it. */
export const test = base.extend<{ serverLogOnFailure: void }, { buildsServer: RunningServer }>({
  buildsServer: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring
    async ({}, provide) => {
      const server = await startStamperServer({ scripted: true, port: BUILDS_PORT });
      await provide(server);
      await server.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ buildsServer }, provide) => provide(buildsServer.url),
  serverLogOnFailure: [
    async ({ buildsServer }, provide, testInfo) => {
      await provide();
      if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('server-output.txt', { body: buildsServer.output(), contentType: 'text/plain' });
    },
    { auto: true },
  ],
});

export { expect };
