import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../../src/spec/build-api.ts';
import { sha256SumResponseSchema, sha256SumUrlFor } from '../../../src/spec/checksum-api.ts';
import type { ServerConfig } from '../../config/server-config.ts';
import { testConfig, injectLocal } from '../../testing/test-app.ts';
import { buildApp } from '../http-app.ts';

/** A release directory as the containerd project lays it out: each tarball with its .sha256sum beside it. */
const tarball = Buffer.from('not really a tarball, but bytes with a digest');
const tarballName = 'containerd-2.2.1-linux-amd64.tar.gz';
const digest = createHash('sha256').update(tarball).digest('hex');

let releases: Server;
let base: string;

beforeAll(async () => {
  releases = createServer((req, res) => {
    const path = req.url ?? '';
    if (path === `/v2.2.1/${tarballName}`) res.writeHead(200).end(tarball);
    else if (path === `/v2.2.1/${tarballName}.sha256sum`) res.writeHead(200).end(`${digest}  ${tarballName}\n`);
    else if (path === '/moved.sha256sum') res.writeHead(302, { location: `/v2.2.1/${tarballName}.sha256sum` }).end();
    else if (path === '/other/containerd-9.9.9-linux-amd64.tar.gz.sha256sum') res.writeHead(200).end(`${digest}  ${tarballName}\n`);
    else if (path === '/page.sha256sum') res.writeHead(200).end(`<html><body>${digest} is a nice number</body></html>`);
    else if (path === '/huge.sha256sum') res.writeHead(200).end(`${digest}  ${'x'.repeat(64 * 1024)}\n`);
    else res.writeHead(404).end('no such file');
  });
  await new Promise<void>((resolve) => releases.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(releases.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => releases.close(() => resolve())));

async function withApp<T>(sourcePolicy: ServerConfig['sourcePolicy'], run: (app: FastifyInstance) => Promise<T>): Promise<T> {
  const config = testConfig({ sourcePolicy });
  const app = await buildApp({ config });
  try {
    return await run(app);
  } finally {
    await app.close();
    config.cleanup();
  }
}

const loopbackAllowed: ServerConfig['sourcePolicy'] = { allowLoopback: true, allowedHosts: null };
const sha256sum = (app: FastifyInstance, url: string) => injectLocal(app, { url: `/api/sources/sha256sum?url=${encodeURIComponent(url)}` });

describe('GET /api/sources/sha256sum', () => {
  it('reads the digest from the .sha256sum published beside a tarball', async () => {
    await withApp(loopbackAllowed, async (app) => {
      const res = await sha256sum(app, sha256SumUrlFor(`${base}/v2.2.1/${tarballName}`));
      expect(res.statusCode, res.body).toBe(200);
      expect(sha256SumResponseSchema.parse(res.json())).toEqual({ url: `${base}/v2.2.1/${tarballName}.sha256sum`, sha256: digest, fileName: tarballName });

      // after a redirect, the file answering names the tarball
      const moved = sha256SumResponseSchema.parse((await sha256sum(app, `${base}/moved.sha256sum`)).json());
      expect(moved).toMatchObject({ url: `${base}/v2.2.1/${tarballName}.sha256sum`, sha256: digest });

      const document = (await injectLocal(app, { url: '/api/openapi.json' })).json();
      expect(document.paths['/api/sources/sha256sum'].get.responses['200']).toBeDefined();
    });
  });

  it('refuses a URL the source policy refuses, before any connection', async () => {
    await withApp({ allowLoopback: false, allowedHosts: null }, async (app) => {
      const res = await sha256sum(app, sha256SumUrlFor(`${base}/v2.2.1/${tarballName}`));
      expect(res.statusCode).toBe(422);
      const body = apiErrorSchema.parse(res.json());
      expect(body.code).toBe('source_refused');
      expect(body.message).toMatch(/^refused by policy: .* \(127\.0\.0\.1 is a loopback address/);
    });
    await withApp({ allowLoopback: true, allowedHosts: ['mirror.example'] }, async (app) => {
      const res = await sha256sum(app, `${base}/moved.sha256sum`);
      expect(res.statusCode).toBe(422);
      expect(res.json().message).toContain('is not in STAMPER_SOURCE_HOSTS');
    });
  });

  it('names the URL and the HTTP status when there is no checksum file', async () => {
    await withApp(loopbackAllowed, async (app) => {
      const res = await sha256sum(app, `${base}/v9.9.9/containerd-9.9.9-linux-amd64.tar.gz.sha256sum`);
      expect(res.statusCode).toBe(502);
      expect(apiErrorSchema.parse(res.json())).toMatchObject({
        code: 'checksum_unavailable',
        message: `${base}/v9.9.9/containerd-9.9.9-linux-amd64.tar.gz.sha256sum: HTTP 404 Not Found`,
      });
    });
  });

  it('hands back only a parsed digest: not a page, not a big body, not a digest for another file', async () => {
    await withApp(loopbackAllowed, async (app) => {
      const page = await sha256sum(app, `${base}/page.sha256sum`);
      expect(page.statusCode).toBe(502);
      expect(page.json()).toMatchObject({ code: 'checksum_unreadable', message: expect.stringContaining('not a sha256sum file') });
      expect(page.body).not.toContain('nice number');

      const huge = await sha256sum(app, `${base}/huge.sha256sum`);
      expect(huge.statusCode).toBe(502);
      expect(huge.json().message).toContain('not a checksum file');

      const other = await sha256sum(app, `${base}/other/containerd-9.9.9-linux-amd64.tar.gz.sha256sum`);
      expect(other.statusCode).toBe(502);
      expect(other.json().message).toContain('has no checksum for containerd-9.9.9-linux-amd64.tar.gz');
    });
  });

  it('asks for an http(s) URL', async () => {
    await withApp(loopbackAllowed, async (app) => {
      expect((await injectLocal(app, { url: '/api/sources/sha256sum' })).statusCode).toBe(400);
      expect((await sha256sum(app, 'file:///etc/passwd')).statusCode).toBe(400);
    });
  });
});
