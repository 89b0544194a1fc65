import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../src/spec/build-api.ts';
import { injectLocal } from '../testing/test-app.ts';
import { scriptedApp } from '../testing/test-builds.ts';

const forbiddenKeys = ['__proto__', 'constructor', 'prototype'];

/** A spec as a JSON request body, the key written into spec.sysctl as text (JSON.stringify would lose __proto__). */
const specJson = (key: string): string =>
  `{"apiVersion":"stamper/v1alpha1","kind":"NodeImage","metadata":{"name":"w"},` +
  `"spec":{"kubernetes":{"version":"1.35.3"},"sysctl":{"net.ipv4.ip_forward":"1","${key}":"1"}}}`;

/**
 * `__proto__`, `constructor` and `prototype` as keys, sent over HTTP as JSON: every route
 * that parses a body refuses them with the key's path, none drops the entry without a word.
 */
describe('keys that name JavaScript object machinery, in JSON request bodies', () => {
  let server: Awaited<ReturnType<typeof scriptedApp>>;
  beforeAll(async () => {
    server = await scriptedApp();
  });
  afterAll(async () => server.close());

  const post = (url: string, payload: string) => injectLocal(server.app, { method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });
  const sysctlIssue = (key: string) => expect.objectContaining({ path: ['spec', 'sysctl', key], message: expect.stringContaining(`"${key}"`) });

  it.each(forbiddenKeys)('POST /api/builds answers 422 naming spec.sysctl.%s, and queues nothing', async (key) => {
    const response = await post('/api/builds', specJson(key));
    expect(response.statusCode, response.body).toBe(422);
    expect(apiErrorSchema.parse(response.json())).toMatchObject({ code: 'invalid_spec', issues: [sysctlIssue(key)] });
    expect(await server.system.store.queueLength()).toBe(0);
  });

  it.each(forbiddenKeys)('POST /api/specs/validate reports spec.sysctl.%s', async (key) => {
    const response = await post('/api/specs/validate', specJson(key));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ ok: false, issues: [sysctlIssue(key)] });
  });

  it.each(forbiddenKeys.flatMap((key) => ['/api/preflight', '/api/specs/export/image-builder', '/api/specs/export/packer'].map((url) => ({ key, url }))))(
    'POST $url refuses spec.sysctl.$key',
    async ({ key, url }) => {
      const response = await post(url, specJson(key));
      expect([400, 422]).toContain(response.statusCode);
      expect(apiErrorSchema.parse(response.json())).toMatchObject({ code: 'invalid_spec', issues: [sysctlIssue(key)] });
    },
  );

  it.each(forbiddenKeys)('a JSON body that is not a spec (the login) answers 400 naming %s', async (key) => {
    const response = await post('/api/session', `{"token":"t","nested":{"${key}":{"isAdmin":true}}}`);
    expect(response.statusCode).toBe(400);
    const body = apiErrorSchema.parse(response.json());
    expect(body.message).toContain(`"${key}"`);
    expect(body.message).toContain(`nested.${key}`);
    expect(body.issues).toEqual([expect.objectContaining({ path: ['nested', key] })]);
  });

  it('still reads an ordinary JSON body, and says what is wrong with one that is not JSON', async () => {
    expect((await post('/api/session', '{"token":"t"}')).statusCode).toBe(200);
    const broken = await post('/api/session', '{"token":');
    expect(broken.statusCode).toBe(400);
    expect(apiErrorSchema.parse(broken.json())).toMatchObject({ code: 'bad_request', message: expect.stringContaining('not valid JSON') });
    expect(apiErrorSchema.parse((await post('/api/session', '')).json())).toMatchObject({ code: 'empty_body' });
  });
});
