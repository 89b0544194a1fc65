import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchSource } from './source-fetch.ts';
import { DEFAULT_SOURCE_POLICY, SourcePolicyError, addressRefusal, checkSourceUrl, sourcePolicyFromEnvironment } from './source-policy.ts';

const allowLoopback = { allowLoopback: true, allowedHosts: null };
let server: Server;
let base: string;
let closedPort: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok') res.writeHead(200).end('hello');
    else if (req.url === '/to-ok') res.writeHead(302, { location: '/ok' }).end();
    else if (req.url === '/to-metadata') res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    else if (req.url === '/to-localhost-name') res.writeHead(302, { location: `http://localhost:${(server.address() as AddressInfo).port}/ok` }).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'fetched',
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );

describe('source address policy', () => {
  it('refuses link-local, metadata and (by default) loopback addresses', () => {
    expect(addressRefusal('169.254.169.254', DEFAULT_SOURCE_POLICY)).toMatch(/link-local/);
    expect(addressRefusal('fe80::1', DEFAULT_SOURCE_POLICY)).toMatch(/link-local/);
    expect(addressRefusal('fd00:ec2::254', DEFAULT_SOURCE_POLICY)).toMatch(/metadata/);
    expect(addressRefusal('::ffff:169.254.169.254', allowLoopback)).toMatch(/link-local/);
    expect(addressRefusal('127.0.0.1', DEFAULT_SOURCE_POLICY)).toMatch(/loopback/);
    expect(addressRefusal('::1', DEFAULT_SOURCE_POLICY)).toMatch(/loopback/);
    expect(addressRefusal('127.0.0.1', allowLoopback)).toBeNull();
    expect(addressRefusal('169.254.169.254', allowLoopback)).toMatch(/link-local/);
    expect(addressRefusal('192.0.2.10', DEFAULT_SOURCE_POLICY)).toBeNull();
  });

  it('reads the operator settings from the environment', () => {
    expect(sourcePolicyFromEnvironment({})).toEqual(DEFAULT_SOURCE_POLICY);
    expect(sourcePolicyFromEnvironment({ STAMPER_ALLOW_LOOPBACK_SOURCES: '1', STAMPER_SOURCE_HOSTS: 'A.example, b.example' })).toEqual({
      allowLoopback: true,
      allowedHosts: ['a.example', 'b.example'],
    });
  });

  it('limits sources to the allowlist when one is set', () => {
    const policy = { allowLoopback: true, allowedHosts: ['mirror.example'] };
    expect(checkSourceUrl('http://mirror.example/debian', policy).hostname).toBe('mirror.example');
    expect(() => checkSourceUrl('http://other.example/debian', policy)).toThrow(
      'refused by policy: http://other.example/debian (other.example is not in STAMPER_SOURCE_HOSTS)',
    );
    expect(() => checkSourceUrl('file:///etc/passwd', policy)).toThrow(SourcePolicyError);
  });
});

describe('fetchSource against real loopback servers', () => {
  it('refuses a loopback server with the same words whether it listens or not', async () => {
    const up = await refusal(fetchSource(`${base}/ok`, { policy: DEFAULT_SOURCE_POLICY, signal: AbortSignal.timeout(5000) }));
    const down = await refusal(fetchSource(`http://127.0.0.1:${closedPort}/ok`, { policy: DEFAULT_SOURCE_POLICY, signal: AbortSignal.timeout(5000) }));
    expect(up).toBe(
      `refused by policy: ${base}/ok (127.0.0.1 is a loopback address; the operator allows loopback sources with STAMPER_ALLOW_LOOPBACK_SOURCES=1)`,
    );
    expect(down.replace(String(closedPort), 'PORT')).toBe(up.replace(base.split(':')[2] ?? '', 'PORT'));
  });

  it('checks the addresses a host name resolves to, at connect time', async () => {
    const port = (server.address() as AddressInfo).port;
    // no name rule: the resolver's own answer for "localhost" is what gets refused
    const viaDns = await refusal(fetchSource(`http://localhost:${port}/ok`, { policy: DEFAULT_SOURCE_POLICY, signal: AbortSignal.timeout(5000) }));
    expect(viaDns).toMatch(/^refused by policy: http:\/\/localhost:\d+\/ok \(localhost resolves to (127\.0\.0\.1|::1) is a loopback address/);
  });

  it('fetches from loopback when the operator allows it, following redirects', async () => {
    const response = await fetchSource(`${base}/to-ok`, { policy: allowLoopback, signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${base}/ok`);
    response.body.resume();
  });

  it('re-checks every redirect target', async () => {
    const message = await refusal(fetchSource(`${base}/to-metadata`, { policy: allowLoopback, signal: AbortSignal.timeout(5000) }));
    expect(message).toBe('refused by policy: http://169.254.169.254/latest/meta-data/ (169.254.169.254 is a link-local address)');
    const allowlisted = { allowLoopback: true, allowedHosts: ['127.0.0.1'] };
    expect(await refusal(fetchSource(`${base}/to-localhost-name`, { policy: allowlisted, signal: AbortSignal.timeout(5000) }))).toMatch(
      /localhost is not in STAMPER_SOURCE_HOSTS/,
    );
  });

  it('names the URL and the network error when a source is down', async () => {
    const message = await refusal(fetchSource(`http://127.0.0.1:${closedPort}/x`, { policy: allowLoopback, signal: AbortSignal.timeout(5000) }));
    expect(message).toBe(`http://127.0.0.1:${closedPort}/x: connect ECONNREFUSED 127.0.0.1:${closedPort}`);
  });
});
