import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect, it } from 'vitest';
import { injectLocal } from './test-app.ts';

/** The bytes the scripted runner writes as workers.raw. */
export const scriptedRawBytes = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => i % 251));

/**
 * What every download of workers.raw must answer, wherever the bytes are stored (the data
 * directory, or S3 proxied through the API): length, SHA-256 ETag, file name, byte ranges,
 * 416 past the end, 304 and a stale If-Range, and HEAD. `target` is read when a test runs.
 */
export function downloadContract(target: () => { app: FastifyInstance; url: string }): void {
  const rawBytes = scriptedRawBytes;

  it('serves the whole file with its length, SHA-256 ETag and file name', async () => {
    const { app, url } = target();
    const response = await injectLocal(app, { url });
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
    const { app, url } = target();
    const response = await injectLocal(app, { url, headers: { range } });
    expect(response.statusCode).toBe(206);
    expect(response.headers['content-range']).toBe(`bytes ${start}-${end}/${rawBytes.length}`);
    expect(response.headers['content-length']).toBe(String(end - start + 1));
    expect(response.rawPayload.equals(rawBytes.subarray(start, end + 1))).toBe(true);
  });

  it('answers 416 for a range past the end', async () => {
    const { app, url } = target();
    const response = await injectLocal(app, { url, headers: { range: `bytes=${rawBytes.length}-` } });
    expect(response.statusCode).toBe(416);
    expect(response.headers['content-range']).toBe(`bytes */${rawBytes.length}`);
  });

  it('answers 304 for a matching If-None-Match and ignores a Range whose If-Range is stale', async () => {
    const { app, url } = target();
    const etag = (await injectLocal(app, { url, method: 'HEAD' })).headers.etag ?? '';
    expect((await injectLocal(app, { url, headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    const stale = await injectLocal(app, { url, headers: { range: 'bytes=0-9', 'if-range': '"other"' } });
    expect(stale.statusCode).toBe(200);
    expect(stale.rawPayload.length).toBe(rawBytes.length);
  });

  it('answers HEAD with headers only', async () => {
    const { app, url } = target();
    const response = await injectLocal(app, { url, method: 'HEAD' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-length']).toBe(String(rawBytes.length));
    expect(response.rawPayload.length).toBe(0);
  });
}
