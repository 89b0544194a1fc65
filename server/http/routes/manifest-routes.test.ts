import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { dropInManifestsResponseSchema } from '../../../src/spec/providers/manifests/manifests-api.ts';
import { postBuild, scenarioSpec, scriptedApp, waitForState } from '../../testing/test-builds.ts';
import { injectLocal } from '../../testing/test-app.ts';

/** The real server with the scripted build process: a succeeded build with an OVA, a qcow2 and an AMI. */
describe('GET /api/builds/:id/manifests', () => {
  let ctx: Awaited<ReturnType<typeof scriptedApp>>;
  let id: string;
  beforeAll(async () => {
    ctx = await scriptedApp();
    const { body } = await postBuild(ctx.app, scenarioSpec('providers', 81));
    id = body?.build.id ?? '';
    await waitForState(ctx.app, id, ['succeeded']);
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('answers one snippet per provider the build serves, naming its real identifiers', async () => {
    const response = await injectLocal(ctx.app, { url: `/api/builds/${id}/manifests` });
    expect(response.statusCode).toBe(200);
    const { manifests } = dropInManifestsResponseSchema.parse(response.json());
    expect(manifests.map((m) => m.target).sort()).toEqual(['aws', 'openstack', 'proxmox', 'vsphere']);
    const aws = manifests.find((m) => m.target === 'aws');
    expect(aws?.yaml).toContain('id: ami-0123456789abcdef0');
    const openstack = manifests.find((m) => m.target === 'openstack');
    const image = parseAllDocuments(openstack?.yaml ?? '')[0]?.toJS() as {
      spec: { resource: { content: { download: { url: string; hash: { value: string } } } } };
    };
    const download = image.spec.resource.content.download;
    // absolute, on the origin the caller used, and the very file the build recorded
    expect(download.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1(:\\d+)?/api/builds/${id}/artifacts/workers\\.qcow2$`));
    const detail = (await injectLocal(ctx.app, { url: `/api/builds/${id}` })).json() as { artifacts: { name: string; sha256: string }[] };
    expect(download.hash.value).toBe(detail.artifacts.find((a) => a.name === 'workers.qcow2')?.sha256);
    const file = await injectLocal(ctx.app, { url: new URL(download.url).pathname });
    expect(file.statusCode).toBe(200);
  });

  it('refuses a build that has not succeeded, and an unknown build', async () => {
    const { body } = await postBuild(ctx.app, scenarioSpec('fail', 82));
    const failed = body?.build.id ?? '';
    await waitForState(ctx.app, failed, ['failed']);
    const refused = await injectLocal(ctx.app, { url: `/api/builds/${failed}/manifests` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'build_not_succeeded' });
    expect((await injectLocal(ctx.app, { url: '/api/builds/nope/manifests' })).statusCode).toBe(404);
  });

  it('is described in the OpenAPI document', async () => {
    const document = (await injectLocal(ctx.app, { url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(document.paths).toHaveProperty(['/api/builds/{id}/manifests']);
  });
});
