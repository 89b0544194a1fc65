import { createHash } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postBuild, scenarioSpec, scriptedApp, waitForState } from '../../testing/test-builds.ts';
import { injectLocal } from '../../testing/test-app.ts';

/** The bytes the scripted runner writes as workers.raw. */
const rawBytes = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => i % 251));

describe('artifact downloads', () => {
  let ctx: Awaited<ReturnType<typeof scriptedApp>>;
  let url: string;
  let id: string;
  beforeAll(async () => {
    ctx = await scriptedApp();
    const { body } = await postBuild(ctx.app, scenarioSpec('quick', 80));
    id = body?.build.id ?? '';
    await waitForState(ctx.app, id, ['succeeded']);
    url = `/api/builds/${id}/artifacts/workers.raw`;
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('serves the whole file with length, SHA-256 ETag and a file name', async () => {
    const response = await injectLocal(ctx.app, { url });
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.equals(rawBytes)).toBe(true);
    expect(response.headers['content-length']).toBe(String(rawBytes.length));
    expect(response.headers.etag).toBe(`"${createHash('sha256').update(rawBytes).digest('hex')}"`);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="workers.raw"; filename*=UTF-8''workers.raw`);
    expect(response.headers['accept-ranges']).toBe('bytes');
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=1000-', 1000, rawBytes.length - 1],
    ['bytes=-500', rawBytes.length - 500, rawBytes.length - 1],
    ['bytes=65000-99999999', 65000, rawBytes.length - 1],
  ])('serves Range %s as 206 with exactly those bytes', async (range, start, end) => {
    const response = await injectLocal(ctx.app, { url, headers: { range } });
    expect(response.statusCode).toBe(206);
    expect(response.headers['content-range']).toBe(`bytes ${start}-${end}/${rawBytes.length}`);
    expect(response.headers['content-length']).toBe(String(end - start + 1));
    expect(response.rawPayload.equals(rawBytes.subarray(start, end + 1))).toBe(true);
  });

  it('answers 416 for a range past the end', async () => {
    const response = await injectLocal(ctx.app, { url, headers: { range: `bytes=${rawBytes.length}-` } });
    expect(response.statusCode).toBe(416);
    expect(response.headers['content-range']).toBe(`bytes */${rawBytes.length}`);
  });

  it('answers 304 for a matching If-None-Match and ignores a Range whose If-Range is stale', async () => {
    const etag = (await injectLocal(ctx.app, { url, method: 'HEAD' })).headers.etag ?? '';
    expect((await injectLocal(ctx.app, { url, headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    const stale = await injectLocal(ctx.app, { url, headers: { range: 'bytes=0-9', 'if-range': '"other"' } });
    expect(stale.statusCode).toBe(200);
    expect(stale.rawPayload.length).toBe(rawBytes.length);
  });

  it('answers HEAD with headers only', async () => {
    const response = await injectLocal(ctx.app, { url, method: 'HEAD' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-length']).toBe(String(rawBytes.length));
    expect(response.rawPayload.length).toBe(0);
  });

  it.each([
    '..%2F..%2F..%2Fetc%2Fpasswd',
    '%2e%2e%2f%2e%2e%2fstamper.db',
    '%2e%2e',
    '..',
    '.',
    '..%5c..%5cstamper.db',
    '%252e%252e%252fstamper.db',
    'workers.raw%00.txt',
    'WORKERS.RAW',
    'workers.raw%2f',
    '%2Fetc%2Fpasswd',
  ])('never serves anything for the name %s', async (name) => {
    const response = await injectLocal(ctx.app, { url: `/api/builds/${id}/artifacts/${name}` });
    // 400 where the name normalizes to nothing ("."), 404 for everything else: never a file.
    expect([400, 404]).toContain(response.statusCode);
    expect(response.body).not.toContain('root:');
  });

  it.each([
    '/api/builds/ID/artifacts/../../../../etc/passwd',
    '/api/builds/ID/artifacts/..%2F..%2Fstamper.db',
    '/api/builds/..%2F..%2Fstamper.db/artifacts/workers.raw',
  ])('never serves a raw, unnormalized request path %s', async (rawPath) => {
    // Sent over a socket as-is: HTTP clients would normalize the dots away before the server saw them.
    if (!ctx.app.server.listening) await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (ctx.app.server.address() as AddressInfo).port;
    const response = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end(`GET ${rawPath.replace('ID', id)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(response).toMatch(/^HTTP\/1\.1 404 /);
    expect(response).not.toContain('root:');
    expect(response).not.toContain('SQLite format');
  });

  it('does not serve an artifact of one build under another build id', async () => {
    const { body } = await postBuild(ctx.app, scenarioSpec('fail', 81));
    const failedId = body?.build.id ?? '';
    await waitForState(ctx.app, failedId, ['failed']);
    expect((await injectLocal(ctx.app, { url: `/api/builds/${failedId}/artifacts/workers.raw` })).statusCode).toBe(404);
  });
});
