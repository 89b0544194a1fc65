import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../../src/spec/build-api.ts';
import { preflightResponseSchema } from '../../../src/spec/preflight-api.ts';
import { createBuildResponseSchema } from '../../../src/spec/build-api.ts';
import { postBuild, scriptedApp, waitForState } from '../../testing/test-builds.ts';
import { serveDirectory } from '../../stand-in/kubernetes-apt-repo.ts';
import { injectLocal } from '../../testing/test-app.ts';

let dir: string;
let served: { url: string; close(): Promise<void> };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stamper-preflight-'));
  await mkdir(join(dir, 'debian/dists/trixie'), { recursive: true });
  await writeFile(join(dir, 'debian/dists/trixie/InRelease'), 'Suite: trixie\n');
  await mkdir(join(dir, 'debian/dists/trixie-updates'), { recursive: true });
  await writeFile(join(dir, 'debian/dists/trixie-updates/InRelease'), 'Suite: trixie-updates\n');
  await mkdir(join(dir, 'debian-security/dists/trixie-security'), { recursive: true });
  await writeFile(join(dir, 'debian-security/dists/trixie-security/InRelease'), 'Suite: trixie-security\n');
  await mkdir(join(dir, 'k8s'), { recursive: true });
  await writeFile(join(dir, 'k8s/InRelease'), 'Origin: test\n');
  await writeFile(join(dir, 'k8s/Release.key'), '-----BEGIN PGP PUBLIC KEY BLOCK-----\n');
  served = await serveDirectory(dir);
});
afterAll(async () => {
  await served.close();
  await rm(dir, { recursive: true, force: true });
});

const spec = (repository: string, signingKeyUrl = `${repository}Release.key`, scenario = 'quick') => `apiVersion: stamper/v1alpha1
kind: NodeImage
metadata:
  name: preflighted
  labels:
    scenario: ${scenario}
spec:
  os:
    mirror: ${served.url}debian
  kubernetes:
    source:
      type: apt
      repository: ${repository}
      signingKeyUrl: ${signingKeyUrl}
  outputs:
    - format: raw
  verify:
    enabled: false
`;

const loopbackAllowed = { sourcePolicy: { allowLoopback: true, allowedHosts: null }, preflight: true };

async function preflight(app: Parameters<typeof injectLocal>[0], yaml: string) {
  const response = await injectLocal(app, { method: 'POST', url: '/api/preflight', headers: { 'content-type': 'application/yaml' }, payload: yaml });
  expect(response.statusCode, response.body).toBe(200);
  return preflightResponseSchema.parse(response.json());
}

describe('POST /api/preflight', () => {
  it('checks every source the spec names and reports each result', async () => {
    const ctx = await scriptedApp({ ...loopbackAllowed, standInUrl: served.url });
    try {
      const result = await preflight(ctx.app, spec(`${served.url}k8s/`));
      expect(result.ok).toBe(true);
      // this server refuses a spec whose sources fail, so the Review step disables Build for one
      expect(result.enforced).toBe(true);
      expect(result.sources.map((s) => [s.kind, s.url, s.status])).toEqual([
        ['distro-mirror', `${served.url}debian/dists/trixie/InRelease`, 200],
        ['distro-updates', `${served.url}debian/dists/trixie-updates/InRelease`, 200],
        // a Debian mirror's security archive is its debian-security sibling
        ['distro-security', `${served.url}debian-security/dists/trixie-security/InRelease`, 200],
        ['kubernetes-apt-repository', `${served.url}k8s/InRelease`, 200],
        ['kubernetes-signing-key', `${served.url}k8s/Release.key`, 200],
      ]);
      expect(result.standIn).toEqual({ repository: served.url, signingKeyUrl: `${served.url}Release.key` });

      // the OpenAPI document describes the same shape, from the same zod schema
      const document = (await injectLocal(ctx.app, { url: '/api/openapi.json' })).json();
      expect(Object.keys(document.paths)).toContain('/api/preflight');
      const ajv = new Ajv2020({ strict: false });
      const check = ajv.compile(document.components.schemas.PreflightResponse as object);
      expect(check(result)).toBe(true);
      expect(check({ ...result, sources: [{ ...result.sources[0], kind: 'bogus' }] })).toBe(false);
    } finally {
      await ctx.close();
    }
  });

  it('names the failing source with its HTTP status', async () => {
    const ctx = await scriptedApp(loopbackAllowed);
    try {
      const result = await preflight(ctx.app, spec(`${served.url}missing/`));
      expect(result.ok).toBe(false);
      expect(result.sources.filter((s) => !s.ok).map((s) => [s.url, s.status, s.error])).toEqual([
        [`${served.url}missing/InRelease`, 404, 'HTTP 404 Not Found'],
        [`${served.url}missing/Release.key`, 404, 'HTTP 404 Not Found'],
      ]);
      expect(result.standIn).toBeNull();
    } finally {
      await ctx.close();
    }
  });

  it('says when the server does not enforce it (STAMPER_PREFLIGHT=0)', async () => {
    const ctx = await scriptedApp({ ...loopbackAllowed, preflight: false });
    try {
      const result = await preflight(ctx.app, spec(`${served.url}missing/`));
      expect([result.ok, result.enforced]).toEqual([false, false]);
    } finally {
      await ctx.close();
    }
  });

  it('refuses loopback sources under the default policy', async () => {
    const ctx = await scriptedApp({ preflight: true });
    try {
      const result = await preflight(ctx.app, spec(`${served.url}k8s/`));
      expect(result.sources.every((s) => !s.ok && s.error?.startsWith(`refused by policy: ${s.url} (127.0.0.1 is a loopback address`))).toBe(true);
    } finally {
      await ctx.close();
    }
  });
});

describe('POST /api/builds runs the preflight first', () => {
  it('refuses a spec whose sources fail, naming each URL and its error', async () => {
    const ctx = await scriptedApp(loopbackAllowed);
    try {
      const { response } = await postBuild(ctx.app, spec(`${served.url}missing/`));
      expect(response.statusCode).toBe(422);
      const body = apiErrorSchema.parse(response.json());
      expect(body.code).toBe('sources_unreachable');
      expect(body.message).toContain(`${served.url}missing/InRelease: HTTP 404 Not Found`);
      expect(body.message).toContain(`${served.url}missing/Release.key: HTTP 404 Not Found`);
      expect(body.message).toContain('Kubernetes stand-in');
      expect(body.issues?.map((i) => i.path)).toEqual([
        ['sources', 'kubernetes-apt-repository'],
        ['sources', 'kubernetes-signing-key'],
      ]);
    } finally {
      await ctx.close();
    }
  });

  it('queues the same spec when the request skips the host the server cannot see', async () => {
    const ctx = await scriptedApp(loopbackAllowed);
    try {
      const { response } = await postBuild(ctx.app, spec(`${served.url}missing/`), '?skipPreflight=127.0.0.1');
      expect(response.statusCode, response.body).toBe(201);
    } finally {
      await ctx.close();
    }
  });

  it('queues a spec whose sources all answer, and reuses its build later even with the sources gone', async () => {
    const ctx = await scriptedApp(loopbackAllowed);
    try {
      const { response, body } = await postBuild(ctx.app, spec(`${served.url}k8s/`));
      expect(response.statusCode, response.body).toBe(201);
      await waitForState(ctx.app, body?.build.id ?? '', ['succeeded']);
      await rm(join(dir, 'k8s/Release.key'));
      const again = await postBuild(ctx.app, spec(`${served.url}k8s/`));
      expect(again.response.statusCode, again.response.body).toBe(200);
      expect(again.body?.reused).toBe(true);
      expect((await postBuild(ctx.app, spec(`${served.url}k8s/`), '?force=true')).response.statusCode).toBe(422);
    } finally {
      await ctx.close();
    }
  });
});

describe('POST /api/builds/:id/retry runs the preflight like a new submission', () => {
  it('refuses to retry while a source fails, naming it, and retries once the host is skipped or the source is back', async () => {
    const ctx = await scriptedApp(loopbackAllowed);
    const key = join(dir, 'k8s/Release.key');
    const retry = (id: string, query = '') => injectLocal(ctx.app, { method: 'POST', url: `/api/builds/${id}/retry${query}` });
    try {
      // the test before this one took the key away
      await writeFile(key, '-----BEGIN PGP PUBLIC KEY BLOCK-----\n');
      const failing = spec(`${served.url}k8s/`, undefined, 'fail');
      const { response, body } = await postBuild(ctx.app, failing);
      expect(response.statusCode, response.body).toBe(201);
      const id = body?.build.id ?? '';
      await waitForState(ctx.app, id, ['failed']);

      await rename(key, `${key}.gone`);
      const refused = await retry(id);
      expect(refused.statusCode, refused.body).toBe(422);
      const error = apiErrorSchema.parse(refused.json());
      expect(error.code).toBe('sources_unreachable');
      expect(error.message).toContain(`${served.url}k8s/Release.key: HTTP 404 Not Found`);

      const skipped = await retry(id, '?skipPreflight=127.0.0.1');
      expect(skipped.statusCode, skipped.body).toBe(201);
      const second = createBuildResponseSchema.parse(skipped.json()).build.id;
      expect(second).not.toBe(id);
      await waitForState(ctx.app, second, ['failed']);

      await rename(`${key}.gone`, key);
      const back = await retry(second);
      expect(back.statusCode, back.body).toBe(201);
    } finally {
      await rename(`${key}.gone`, key).catch(() => undefined);
      await ctx.close();
    }
  });
});
