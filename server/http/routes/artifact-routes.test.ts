import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postBuild, scenarioSpec, scriptedApp, waitForState } from '../../testing/test-builds.ts';
import { injectLocal } from '../../testing/test-app.ts';
import { downloadContract } from '../../testing/download-contract.ts';

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

  downloadContract(() => ({ app: ctx.app, url }));

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
