import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../src/spec/build-api.ts';
import { buildApp } from './http-app.ts';
import { injectLocal, testConfig } from '../testing/test-app.ts';

describe('Host and Origin checks', () => {
  const config = testConfig();
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ config });
  });
  afterAll(async () => {
    await app.close();
    config.cleanup();
  });

  it.each(['127.0.0.1:8080', 'localhost:8080', '[::1]:8080'])('accepts Host %s', async (host) => {
    const response = await app.inject({ url: '/api/catalog', headers: { host } });
    expect(response.statusCode).toBe(200);
  });

  it.each(['evil.example:8080', 'localhost:9999', '127.0.0.1', 'localhost.evil.example:8080'])('rejects Host %s (DNS rebinding)', async (host) => {
    const response = await app.inject({ url: '/api/catalog', headers: { host } });
    expect(response.statusCode).toBe(421);
    expect(apiErrorSchema.parse(response.json()).code).toBe('bad_host');
  });

  it('rejects a foreign Origin even with a good Host, and sends no CORS headers', async () => {
    const response = await injectLocal(app, {
      method: 'POST',
      url: '/api/specs/validate',
      headers: { origin: 'http://evil.example', 'content-type': 'application/yaml' },
      payload: 'a: 1',
    });
    expect(response.statusCode).toBe(403);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each(['null', 'http://localhost:9999', 'http://127.0.0.1:8080.evil.example'])('rejects Origin %s', async (origin) => {
    const response = await injectLocal(app, { url: '/api/catalog', headers: { origin } });
    expect(response.statusCode).toBe(403);
  });

  it('accepts its own Origin', async () => {
    const response = await injectLocal(app, { url: '/api/catalog', headers: { origin: 'http://127.0.0.1:8080' } });
    expect(response.statusCode).toBe(200);
  });
});

describe('token auth off loopback', () => {
  const token = 'a-long-enough-secret-token';
  const config = testConfig({ host: '192.0.2.10' }, { STAMPER_HOST: '192.0.2.10', STAMPER_TOKEN: token });
  let app: FastifyInstance;
  const host = '192.0.2.10:8080';
  beforeAll(async () => {
    app = await buildApp({ config });
  });
  afterAll(async () => {
    await app.close();
    config.cleanup();
  });

  it('accepts the bound address as Host', async () => {
    const response = await app.inject({ url: '/healthz', headers: { host } });
    expect(response.statusCode).toBe(200);
  });

  it('answers 401 without a token and with a wrong one', async () => {
    const missing = await app.inject({ url: '/api/catalog', headers: { host } });
    expect(missing.statusCode).toBe(401);
    const wrong = await app.inject({ url: '/api/catalog', headers: { host, authorization: `Bearer ${token}x` } });
    expect(wrong.statusCode).toBe(401);
    const metrics = await app.inject({ url: '/metrics', headers: { host } });
    expect(metrics.statusCode).toBe(401);
  });

  it.each(['Bearer', 'bearer'])('accepts the right token with scheme %s', async (scheme) => {
    const response = await app.inject({ url: '/api/catalog', headers: { host, authorization: `${scheme} ${token}` } });
    expect(response.statusCode).toBe(200);
  });

  it('rejects a prefix of the token and a token in another scheme', async () => {
    const prefix = await app.inject({ url: '/api/catalog', headers: { host, authorization: `Bearer ${token.slice(0, -1)}` } });
    expect(prefix.statusCode).toBe(401);
    const basic = await app.inject({ url: '/api/catalog', headers: { host, authorization: `Basic ${token}` } });
    expect(basic.statusCode).toBe(401);
  });

  it('logs a browser in with a cookie that then authenticates', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/session', headers: { host }, payload: { token: 'nope' } });
    expect(bad.statusCode).toBe(401);
    const login = await app.inject({ method: 'POST', url: '/api/session', headers: { host }, payload: { token } });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    expect(String(login.headers['set-cookie'])).toContain('HttpOnly');
    const response = await app.inject({ url: '/api/catalog', headers: { host, cookie } });
    expect(response.statusCode).toBe(200);
  });

  it('still serves the web app shell without a token', async () => {
    const response = await app.inject({ url: '/', headers: { host } });
    expect(response.statusCode).not.toBe(401);
  });
});
