import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../src/spec/build-api.ts';
import { MAX_SPEC_BYTES } from '../../src/spec/yaml-spec.ts';
import { catalogSchema, specValidationSchema } from './api-schemas.ts';
import { buildApp } from './http-app.ts';
import { injectLocal, testConfig } from '../testing/test-app.ts';

const validYaml = `apiVersion: stamper/v1alpha1
kind: NodeImage
metadata:
  name: workers
spec:
  kubernetes:
    version: 1.35.3
`;

describe('catalog, spec validation, schema and the SPA', () => {
  const config = testConfig();
  const staticDir = mkdtempSync(path.join(tmpdir(), 'stamper-dist-'));
  let app: FastifyInstance;

  beforeAll(async () => {
    mkdirSync(path.join(staticDir, 'assets'));
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>stamper</title>');
    writeFileSync(path.join(staticDir, 'assets', 'app-1234.js'), 'console.log(1)');
    app = await buildApp({ config: { ...config, staticDir } });
  });
  afterAll(async () => {
    await app.close();
    config.cleanup();
  });

  it('serves the catalog with per-release compatibility hints', async () => {
    const response = await injectLocal(app, { url: '/api/catalog' });
    expect(response.statusCode).toBe(200);
    const catalog = catalogSchema.parse(response.json());
    const bookworm = catalog.releases.find((r) => r.id === 'bookworm');
    // bookworm ships containerd 1.6.20, below every minimum for 1.35.
    expect(bookworm?.compatibility.find((c) => c.kubernetesMinor === '1.35')?.distroRuntime).toBe(false);
    expect(catalog.outputFormats.map((f) => f.id)).toContain('qcow2');
  });

  it('validates YAML and returns the build key', async () => {
    const response = await injectLocal(app, {
      method: 'POST',
      url: '/api/specs/validate',
      headers: { 'content-type': 'application/yaml' },
      payload: validYaml,
    });
    const body = specValidationSchema.parse(response.json());
    expect(body.ok).toBe(true);
    expect(body.buildKey).toMatch(/^[0-9a-f]{64}$/);
    expect(body.issues).toEqual([]);
  });

  it('reports schema errors at the YAML line and column of the bad field', async () => {
    const yaml = validYaml.replace('version: 1.35.3', 'version: 1.99.0');
    const response = await injectLocal(app, {
      method: 'POST',
      url: '/api/specs/validate',
      headers: { 'content-type': 'text/yaml' },
      payload: yaml,
    });
    const body = specValidationSchema.parse(response.json());
    expect(body.ok).toBe(false);
    const issue = body.issues.find((i) => i.path.join('.') === 'spec.kubernetes.version');
    expect(issue).toMatchObject({ line: 7, column: 14 });
  });

  it('accepts JSON and reports positions in it too', async () => {
    const json = JSON.stringify({ apiVersion: 'stamper/v1alpha1', kind: 'NodeImage', metadata: { name: 'Upper' }, spec: {} }, null, 2);
    const response = await injectLocal(app, {
      method: 'POST',
      url: '/api/specs/validate',
      headers: { 'content-type': 'application/json' },
      payload: json,
    });
    const body = specValidationSchema.parse(response.json());
    expect(body.issues[0]).toMatchObject({ path: ['metadata', 'name'], line: 5, column: 13 });
  });

  it('reports YAML syntax errors with a position', async () => {
    const response = await injectLocal(app, {
      method: 'POST',
      url: '/api/specs/validate',
      headers: { 'content-type': 'application/yaml' },
      payload: 'metadata:\n  name: [unclosed\n',
    });
    const body = specValidationSchema.parse(response.json());
    expect(body.ok).toBe(false);
    expect(body.issues[0]?.line).toBeGreaterThan(0);
  });

  it('answers 400 with an error body for an empty spec', async () => {
    const response = await injectLocal(app, { method: 'POST', url: '/api/specs/validate', headers: { 'content-type': 'text/plain' }, payload: '' });
    expect(response.statusCode).toBe(400);
    expect(apiErrorSchema.parse(response.json()).code).toBe('empty_body');
  });

  it('rejects an oversized body with 413', async () => {
    const response = await injectLocal(app, {
      method: 'POST',
      url: '/api/specs/validate',
      headers: { 'content-type': 'application/yaml' },
      payload: `# ${'x'.repeat(MAX_SPEC_BYTES + 10)}\n`,
    });
    expect(response.statusCode).toBe(413);
    expect(apiErrorSchema.parse(response.json()).code).toBe('payload_too_large');
  });

  it('serves the JSON Schema of the spec', async () => {
    const response = await injectLocal(app, { url: '/api/schema' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toHaveProperty('properties.spec');
  });

  it('falls back to index.html for client routes but not for API paths', async () => {
    const page = await injectLocal(app, { url: '/builds/0123', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>stamper</title>');
    const asset = await injectLocal(app, { url: '/assets/app-1234.js' });
    expect(asset.headers['cache-control']).toContain('immutable');
    const api = await injectLocal(app, { url: '/api/does-not-exist' });
    expect(api.statusCode).toBe(404);
    expect(apiErrorSchema.parse(api.json()).code).toBe('not_found');
  });

  it('answers /healthz', async () => {
    const response = await injectLocal(app, { url: '/healthz' });
    expect(response.json()).toMatchObject({ ok: true });
  });
});
