import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDetailSchema, createBuildResponseSchema, sbomPackageSchema, type BuildDetail } from '../../src/spec/build-api.ts';
import { channelSchema } from '../../src/spec/channels-api.ts';
import { buildUpdatesSchema } from '../../src/spec/updates-api.ts';
import { loadServerConfig } from '../config/server-config.ts';
import { startServer, type RunningServer } from '../http/start-server.ts';
import { type KubernetesAptRepo, startKubernetesAptRepo } from '../stand-in/kubernetes-apt-repo.ts';
import { startSignedAptRepo, type SignedAptRepo } from '../stand-in/signed-apt-repo.ts';
import { realBuildSpec } from '../testing/real-build-spec.ts';

/**
 * The lifecycle with real builds: a package installed from an extra repository (a signed
 * loopback repository holding a real .deb), a security fix published for it, the updates
 * check seeing it, a real successor carrying the fix, the old spec no longer reused
 * silently, and the successor (boot-verified) consumed through a channel URL.
 * The scripted-child lifecycle tests prove the same service logic fast; this one proves
 * that the rootfs stage really installs from `spec.repositories` and that the SBOM says so.
 */
const SLOW_ROOT = process.env.STAMPER_SLOW_DIR ?? '/var/tmp/stamper-slow';
const cacheDir = process.env.STAMPER_CACHE_DIR ?? '/var/cache/stamper-test';
const FIXTURE = 'stamper-fixture';
const SECURITY_LABEL = { label: 'Stamper fixture Security' };

describe('a real image from an extra repository, patched through its lifecycle', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-lifecycle-slow-'));
  let kubernetes: KubernetesAptRepo;
  let extra: SignedAptRepo;
  let server: RunningServer;
  let spec: string;
  let first: BuildDetail;
  let second: BuildDetail;

  const api = (url: string, init?: RequestInit) => fetch(`${server.url}${url}`, init);
  const submit = async (query = '') => {
    const response = await api(`/api/builds${query}`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: spec });
    return { status: response.status, body: createBuildResponseSchema.parse(await response.json()) };
  };
  const finished = async (id: string): Promise<BuildDetail> => {
    for (;;) {
      const build = buildDetailSchema.parse(await (await api(`/api/builds/${id}`)).json());
      if (['succeeded', 'failed', 'canceled', 'interrupted'].includes(build.state)) {
        if (build.state !== 'succeeded') throw new Error(`build ${id} ${build.state}: ${build.error}`);
        return build;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  const fixtureVersion = async (id: string) => {
    const rows = sbomPackageSchema.array().parse(await (await api(`/api/builds/${id}/sbom`)).json());
    return rows.find((row) => row.name === FIXTURE)?.version;
  };

  beforeAll(async () => {
    kubernetes = await startKubernetesAptRepo(path.join(SLOW_ROOT, 'k8s-repo'), [{ kubernetes: '1.35.3', crictl: '1.35.0', cni: '1.7.1' }]);
    extra = await startSignedAptRepo();
    await extra.publish('stable', [{ name: FIXTURE, version: '1.0-1' }]);
    await extra.publish('stable-security', [], SECURITY_LABEL);
    // the smallest real spec that can be promoted (boot-verified), plus the extra repository and its package
    spec = realBuildSpec('lifecycle-real', kubernetes.url, { verify: true }).replace(
      '  disk:\n',
      `  packages: [${FIXTURE}]
  repositories:
    - name: fixture
      url: ${extra.url}
      suite: stable
      signingKeyUrl: ${extra.signingKeyUrl}
    - name: fixture-security
      url: ${extra.url}
      suite: stable-security
      signingKeyUrl: ${extra.signingKeyUrl}
  disk:
`,
    );
    server = await startServer(loadServerConfig(['--port', '0', '--data-dir', dataDir, '--cache-dir', cacheDir], { STAMPER_ALLOW_LOOPBACK_SOURCES: '1' }));
    const created = await submit('?force=true');
    expect(created.status).toBe(201);
    first = await finished(created.body.build.id);
  });

  afterAll(async () => {
    await server?.close();
    await extra?.close();
    await kubernetes?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('installs the package from the extra repository and records both of its suites', async () => {
    expect(await fixtureVersion(first.id)).toBe('1.0-1');
    const extraSuites = (first.inputs ?? []).flatMap((input) => (input.kind === 'apt' && input.role === 'extra' ? [input.suite] : []));
    expect(extraSuites).toEqual(['stable', 'stable-security']);
    expect(first.verify.length > 0 && first.verify.every((check) => check.ok)).toBe(true);
  });

  it('sees the security fix, no longer reuses the old build silently, and rebuilds with it', async () => {
    await extra.publish('stable-security', [{ name: FIXTURE, version: '2.0-1' }], SECURITY_LABEL);
    const updates = buildUpdatesSchema.parse(await (await api(`/api/builds/${first.id}/updates?refresh=true`)).json());
    expect(updates.packages.find((p) => p.name === FIXTURE)).toEqual({
      name: FIXTURE,
      installed: '1.0-1',
      available: '2.0-1',
      security: true,
      source: 'stable-security',
    });

    const again = await submit();
    expect(again.status).toBe(200);
    expect(again.body.reused).toBe(true);
    expect(again.body.stale?.changed.map((c) => c.url.replace(extra.url, ''))).toContain('dists/stable-security/InRelease');

    const rebuilt = await api(`/api/builds/${first.id}/rebuild`, { method: 'POST' });
    expect(rebuilt.status, await rebuilt.clone().text()).toBe(201);
    second = await finished(createBuildResponseSchema.parse(await rebuilt.json()).build.id);
    expect(second.supersedes).toBe(first.id);
    expect(second.inputsKey).not.toBe(first.inputsKey);
    // the SBOM diff an operator reads: the fixture moved 1 → 2
    expect(await fixtureVersion(second.id)).toBe('2.0-1');
  });

  it('serves the verified successor through a channel URL, checksum and all', async () => {
    const promoted = await api('/api/channels/lifecycle-real/stable', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ buildId: second.id }),
    });
    expect(promoted.status, await promoted.clone().text()).toBe(200);
    const channel = channelSchema.parse(await (await api('/api/channels/lifecycle-real/stable')).json());
    expect(channel.buildId).toBe(second.id);
    const raw = channel.artifacts.find((artifact) => artifact.format === 'raw');
    expect(raw?.url).toMatch(/^\/api\/channels\/lifecycle-real\/stable\/artifacts\//);
    const download = await api(raw?.url ?? '');
    expect(download.status).toBe(200);
    const hash = createHash('sha256');
    for await (const chunk of download.body ?? []) hash.update(chunk);
    expect(hash.digest('hex')).toBe(raw?.sha256);
    expect(raw?.sha256).toBe(second.artifacts.find((artifact) => artifact.format === 'raw')?.sha256);
  });
});
