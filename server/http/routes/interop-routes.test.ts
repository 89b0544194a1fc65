import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyResponseSchema, varFileExportReportSchema, varFileImportResponseSchema } from '../../../src/spec/interop/interop-api.ts';
import { serveDirectory } from '../../stand-in/kubernetes-apt-repo.ts';
import { signDirectory } from '../../testing/sign-directory.ts';
import { interopRoutes } from './interop-routes.ts';

/** bash reads /etc/bash.bashrc when stdin is a socket (node's pipes are) and SHLVL is low, as under a bare CI shell: no stdin then. */
const quietStdin: ['ignore', 'pipe', 'pipe'] = ['ignore', 'pipe', 'pipe'];

const specYaml = `apiVersion: stamper/v1alpha1
kind: NodeImage
metadata:
  name: workers
spec:
  kubernetes:
    version: 1.34.5
  packages: [htop]
  users:
    - name: ops
`;

let app: FastifyInstance;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stamper-interop-routes-'));
  app = Fastify();
  await app.register(interopRoutes, { dataDir });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('POST /api/specs/export/image-builder', () => {
  it('downloads the var file for a YAML spec', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/specs/export/image-builder',
      payload: specYaml,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="workers.image-builder.json"');
    expect(res.headers['x-stamper-not-carried']).toBe('spec.users');
    expect(res.json()).toMatchObject({ kubernetes_semver: 'v1.34.5', extra_debs: 'htop' });
  });

  it('reports what the file leaves out with ?report', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/specs/export/image-builder?report=1',
      payload: specYaml,
      headers: { 'content-type': 'text/plain' },
    });
    const report = varFileExportReportSchema.parse(res.json());
    expect(report.notCarried).toEqual(['spec.users']);
    expect(report.fileName).toBe('workers.image-builder.json');
  });

  it('answers an invalid spec with code, message and positioned issues', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/specs/export/image-builder',
      payload: specYaml.replace('1.34.5', '1.20.0'),
      headers: { 'content-type': 'application/yaml' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid_spec', issues: [{ path: ['spec', 'kubernetes', 'version'], line: 7 }] });
    const empty = await app.inject({ method: 'POST', url: '/api/specs/export/packer', payload: '', headers: { 'content-type': 'text/plain' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ code: 'empty_body' });
  });
});

describe('POST /api/specs/export/packer', () => {
  it('returns the HCL2 template as a download, JSON specs too', async () => {
    const json = JSON.stringify({ apiVersion: 'stamper/v1alpha1', kind: 'NodeImage', metadata: { name: 'workers' }, spec: {} });
    const res = await app.inject({ method: 'POST', url: '/api/specs/export/packer', payload: json, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="workers.pkr.hcl"');
    expect(res.body).toContain('source "qemu" "workers"');
  });
});

describe('POST /api/specs/import/image-builder', () => {
  it('returns the spec, its YAML, unsupported keys and warnings', async () => {
    const varFile = { kubernetes_semver: 'v1.35.3', extra_debs: 'nfs-common', http_proxy: 'http://proxy:3128', aws_region: 'eu-west-1' };
    const res = await app.inject({
      method: 'POST',
      url: '/api/specs/import/image-builder?name=imported',
      payload: JSON.stringify(varFile),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(200);
    const body = varFileImportResponseSchema.parse(res.json());
    expect(body.unsupported).toEqual([{ key: 'http_proxy', reason: 'no Stamper equivalent' }]);
    expect(body.specYaml).toContain('name: imported');
    expect(body.specYaml).toContain('- nfs-common');
    // the AMI output still needs its bucket: the designer shows this on the field
    expect([...new Set(body.issues.map((i) => i.path.join('.')))]).toEqual(['spec.outputs.0.bucket']);
  });

  it('names the key whose imported value the spec rejects, and does not ask sources unless told to', async () => {
    const varFile = { kubernetes_semver: 'v1.31.2', extra_debs: 'jq ;rm' };
    const res = await app.inject({
      method: 'POST',
      url: '/api/specs/import/image-builder',
      payload: JSON.stringify(varFile),
      headers: { 'content-type': 'application/json' },
    });
    const body = varFileImportResponseSchema.parse(res.json());
    expect(body.unsupported).toEqual([]);
    expect(body.rejected.map((r) => [r.key, r.issue.path.join('.')])).toEqual([
      ['extra_debs', 'spec.packages.1'],
      ['kubernetes_semver', 'spec.kubernetes.version'],
    ]);
    expect(body.warnings.join('\n')).not.toContain('could not check');
  });

  it('says when the Kubernetes repository it names does not serve a pinned version', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'stamper-k8s-index-'));
    const stanza = (name: string, version: string) => `Package: ${name}\nVersion: ${version}\nArchitecture: amd64\n`;
    await writeFile(
      join(repo, 'Packages'),
      [
        stanza('kubelet', '1.35.3-1.1'),
        stanza('kubeadm', '1.35.3-1.1'),
        stanza('kubectl', '1.35.3-1.1'),
        stanza('cri-tools', '1.35.0-1.1'),
        stanza('kubernetes-cni', '1.7.1-1.1'),
      ].join('\n'),
    );
    const served = await serveDirectory(repo);
    const checking = Fastify();
    await checking.register(interopRoutes, { dataDir, sourceCheck: { policy: { allowLoopback: true, allowedHosts: null } } });
    const importing = async (varFile: Record<string, string>) =>
      varFileImportResponseSchema.parse(
        (
          await checking.inject({
            method: 'POST',
            url: '/api/specs/import/image-builder',
            payload: JSON.stringify(varFile),
            headers: { 'content-type': 'application/json' },
          })
        ).json(),
      );
    try {
      const present = await importing({ kubernetes_semver: 'v1.35.3', kubernetes_deb_repo: served.url, kubernetes_deb_gpg_key: `${served.url}Release.key` });
      expect(present.warnings).toEqual([]);

      // a problem elsewhere in the import (a bad package) does not hide the version check
      const missing = await importing({
        kubernetes_semver: 'v1.35.9',
        kubernetes_deb_repo: served.url,
        kubernetes_deb_gpg_key: `${served.url}Release.key`,
        crictl_version: '1.34.0',
        extra_debs: 'jq ;rm',
      });
      expect(missing.rejected.map((r) => r.key)).toEqual(['extra_debs']);
      expect(missing.warnings).toEqual(
        expect.arrayContaining([
          `${served.url} does not serve kubelet, kubeadm and kubectl 1.35.9 (it has 1.35.3-1.1): choose a version it has, or point the repository at one that does`,
          expect.stringMatching(/^crictl_version v1\.34\.0 is not the crictl version the catalog pairs with Kubernetes 1\.35 \(1\.35\.0\)/),
          expect.stringContaining('does not serve cri-tools 1.34.0 (it has 1.35.0-1.1)'),
        ]),
      );

      const gone = await importing({
        kubernetes_semver: 'v1.35.3',
        kubernetes_deb_repo: `${served.url}missing/`,
        kubernetes_deb_gpg_key: `${served.url}missing/Release.key`,
      });
      expect(gone.warnings).toEqual([`could not check which versions ${served.url}missing/ serves (${served.url}missing/Packages: HTTP 404 Not Found)`]);
    } finally {
      await checking.close();
      await served.close();
      await rm(repo, { recursive: true, force: true });
    }
  });

  it('rejects a body that is not a JSON object', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/specs/import/image-builder', payload: '{nope', headers: { 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid_var_file' });
    const list = await app.inject({ method: 'POST', url: '/api/specs/import/image-builder', payload: '[1]', headers: { 'content-type': 'application/json' } });
    expect(list.json()).toMatchObject({ code: 'invalid_var_file', message: expect.stringContaining('JSON object') });
  });
});

describe('GET /api/signing/public-key', () => {
  it('serves the key that signs builds and a verify command that works', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/signing/public-key' });
    const body = signingKeyResponseSchema.parse(res.json());
    expect(body.publicKey).toMatch(/^ssh-ed25519 /);
    expect(body.allowedSigners).toMatch(/^stamper namespaces="stamper" ssh-ed25519 /);

    // Follow the served instructions literally on a signed directory.
    const outDir = join(dataDir, 'download');
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir);
    await writeFile(join(outDir, 'workers.qcow2'), 'disk');
    await signDirectory(outDir, join(dataDir, 'keys'));
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', body.verifyCommand], { cwd: outDir, encoding: 'utf8', stdio: quietStdin });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('workers.qcow2: OK');
  });

  it('serves verify commands that work after downloading only some of the files', async () => {
    const body = signingKeyResponseSchema.parse((await app.inject({ method: 'GET', url: '/api/signing/public-key' })).json());
    const outDir = join(dataDir, 'partial-download');
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir);
    await writeFile(join(outDir, 'workers.qcow2'), 'disk');
    await writeFile(join(outDir, 'workers.ova'), 'appliance');
    await signDirectory(outDir, join(dataDir, 'keys'));
    // the user took the qcow2 and the signed sums, not the OVA
    await rm(join(outDir, 'workers.ova'));
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', body.verifyCommand], { cwd: outDir, encoding: 'utf8', stdio: quietStdin });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('workers.qcow2: OK');
  });
});
