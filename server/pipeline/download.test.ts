import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadVerified, fetchBytes } from './download.ts';

const body = 'kubelet bytes';
const sha = createHash('sha256').update(body).digest('hex');
const allowLoopback = { allowLoopback: true, allowedHosts: null };
let server: Server;
let base: string;
let closed: string;
let cacheDir: string;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'stamper-download-'));
  server = createServer((req, res) => (req.url === '/kubelet' ? res.writeHead(200).end(body) : res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closed = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(cacheDir, { recursive: true, force: true });
});

const signal = () => AbortSignal.timeout(5000);

describe('download errors name the URL and what went wrong', () => {
  it('downloads and verifies from an allowed loopback source', async () => {
    await expect(downloadVerified(`${base}/kubelet`, sha, { cacheDir, cacheOutDir: cacheDir }, signal(), allowLoopback)).resolves.toContain(sha);
  });

  it('says the HTTP status', async () => {
    await expect(downloadVerified(`${base}/missing`, sha.replace(/^./, '0'), { cacheDir, cacheOutDir: cacheDir }, signal(), allowLoopback)).rejects.toThrow(
      `download ${base}/missing: HTTP 404 Not Found`,
    );
    await expect(fetchBytes(`${base}/Release.key`, signal(), 5000, allowLoopback)).rejects.toThrow(`GET ${base}/Release.key: HTTP 404 Not Found`);
  });

  it('says the network error, with the URL', async () => {
    await expect(downloadVerified(`${closed}/kubelet`, sha.replace(/^./, '1'), { cacheDir, cacheOutDir: cacheDir }, signal(), allowLoopback)).rejects.toThrow(
      `download ${closed}/kubelet: connect ECONNREFUSED ${closed.slice('http://'.length)}`,
    );
  });

  it('refuses loopback under the default policy', async () => {
    await expect(
      downloadVerified(`${base}/kubelet`, sha.replace(/^./, '2'), { cacheDir, cacheOutDir: cacheDir }, signal(), { allowLoopback: false, allowedHosts: null }),
    ).rejects.toThrow(`refused by policy: ${base}/kubelet (127.0.0.1 is a loopback address`);
  });
});
