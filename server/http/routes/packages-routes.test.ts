import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SOURCE_POLICY, type SourcePolicy } from '../../sources/source-policy.ts';
import { packagesRoutes } from './packages-routes.ts';

const packagesFile = [
  'Package: containerd',
  'Version: 1.7.24~ds1-6',
  'Installed-Size: 100000',
  'Description: daemon to control runC',
  '',
  'Package: htop',
  'Version: 3.4.1-5',
  'Description: interactive processes viewer',
  '',
].join('\n');

// the test mirror listens on loopback, which the operator must allow, as for a build
const loopbackAllowed: SourcePolicy = { allowLoopback: true, allowedHosts: null };

describe('GET /api/packages', () => {
  let mirror: Server;
  let requests = 0;
  let app: FastifyInstance;
  let dataDir: string;

  beforeAll(async () => {
    mirror = createServer((request, response) => {
      requests += 1;
      if (request.url === '/debian/dists/trixie/main/binary-amd64/Packages.gz') {
        response.writeHead(200, { 'content-type': 'application/gzip' }).end(gzipSync(packagesFile));
      } else if (request.url?.startsWith('/to-metadata/')) {
        response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
    dataDir = mkdtempSync(join(tmpdir(), 'stamper-packages-'));
    app = Fastify();
    await app.register(packagesRoutes, {
      dataDir,
      sourcePolicy: loopbackAllowed,
      mirrorUrl: `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/debian/`,
    });
  });

  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => mirror.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('searches the release index and downloads it only once', async () => {
    const first = await app.inject({ url: '/api/packages?release=trixie&q=htop' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      release: 'trixie',
      total: 1,
      items: [{ name: 'htop', version: '3.4.1-5', description: 'interactive processes viewer' }],
    });
    const second = await app.inject({ url: '/api/packages?release=trixie&q=runc' });
    expect(second.json()).toMatchObject({ total: 1, items: [{ name: 'containerd', installedSizeBytes: 100000 * 1024 }] });
    expect(requests).toBe(1);
  });

  it('reuses the cached index from the data dir after a restart', async () => {
    const restarted = Fastify();
    await restarted.register(packagesRoutes, { dataDir, sourcePolicy: loopbackAllowed, mirrorUrl: 'http://127.0.0.1:9/unreachable/' });
    const response = await restarted.inject({ url: '/api/packages?release=trixie&q=htop' });
    expect(response.json()).toMatchObject({ total: 1 });
    await restarted.close();
  });

  it('reports an unknown release and a missing mirror with a code', async () => {
    expect((await app.inject({ url: '/api/packages?release=nope&q=x' })).json()).toMatchObject({ code: 'unknown_release' });
    const unreachable = Fastify();
    await unreachable.register(packagesRoutes, {
      dataDir,
      sourcePolicy: loopbackAllowed,
      mirrorUrl: `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/missing/`,
    });
    const response = await unreachable.inject({ url: '/api/packages?release=bookworm&q=x' });
    expect(response.statusCode).toBe(502);
    expect(response.json()).toMatchObject({ code: 'package_index_unavailable' });
    await unreachable.close();
    expect((await app.inject({ url: '/api/packages?q=x' })).statusCode).toBe(400);
  });
  /** A fresh server (no cached index) under `sourcePolicy`, searching trixie on `mirrorUrl`. */
  async function searchUnder(sourcePolicy: SourcePolicy, mirrorUrl: string) {
    const freshDir = mkdtempSync(join(tmpdir(), 'stamper-packages-policy-'));
    const server = Fastify();
    await server.register(packagesRoutes, { dataDir: freshDir, sourcePolicy, mirrorUrl });
    const before = requests;
    const response = await server.inject({ url: '/api/packages?release=trixie&q=htop' });
    await server.close();
    rmSync(freshDir, { recursive: true, force: true });
    return { status: response.statusCode, body: response.json<{ code?: string; message?: string }>(), mirrorRequests: requests - before };
  }

  it('obeys the operator source policy: a refused mirror is not asked, and the answer says refused by policy', async () => {
    const port = (mirror.address() as AddressInfo).port;
    const refused = await searchUnder(DEFAULT_SOURCE_POLICY, `http://127.0.0.1:${port}/debian/`);
    expect(refused).toMatchObject({ status: 422, body: { code: 'refused_by_policy' }, mirrorRequests: 0 });
    expect(refused.body.message).toContain(`refused by policy: http://127.0.0.1:${port}/debian/dists/trixie/main/binary-amd64/Packages.gz`);
    expect(refused.body.message).toContain('STAMPER_ALLOW_LOOPBACK_SOURCES');

    // no reachability oracle: a port where nothing listens gets the same words
    const silent = await searchUnder(DEFAULT_SOURCE_POLICY, 'http://127.0.0.1:9/debian/');
    expect(silent.status).toBe(422);
    expect(silent.body.message).toBe(refused.body.message?.replaceAll(`127.0.0.1:${port}`, '127.0.0.1:9'));
  });

  it('refuses a mirror outside the allowlist, and a redirect to a metadata address', async () => {
    const port = (mirror.address() as AddressInfo).port;
    const outside = await searchUnder({ allowLoopback: true, allowedHosts: ['deb.example'] }, `http://127.0.0.1:${port}/debian/`);
    expect(outside).toMatchObject({
      status: 422,
      body: { code: 'refused_by_policy', message: expect.stringContaining('not in STAMPER_SOURCE_HOSTS') },
      mirrorRequests: 0,
    });

    const redirected = await searchUnder(loopbackAllowed, `http://127.0.0.1:${port}/to-metadata/`);
    expect(redirected).toMatchObject({
      status: 422,
      body: { code: 'refused_by_policy', message: expect.stringContaining('169.254.169.254 is a link-local address') },
    });
  });
});
