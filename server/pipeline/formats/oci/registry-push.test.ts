import { createHash } from 'node:crypto';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TokenServer, startTokenServer } from '../../../testing/registry-token-server';
import { REGISTRY_BINARY, type TestRegistry, freePort, registryAvailable, startTestRegistry } from '../../../testing/oci-registry';
import { createServer, type Server } from 'node:http';
import { DEFAULT_SOURCE_POLICY, SourcePolicyError, type SourcePolicy } from '../../../sources/source-policy';
import { runProcess } from '../../exec';
import { type ContainerDisk, writeContainerDisk } from '../containerdisk';
import { parseImageReference } from '../../../../src/spec/providers/image-reference';
import { OCI_MANIFEST, blobPath } from './oci-layout';
import { RegistryPushError } from './registry-error';
import { pushOciImage } from './registry-push';

/**
 * Pushes a containerDisk to a real registry (Debian's docker-registry) on loopback and pulls
 * it back two ways: by the distribution API (manifest and blobs, digests checked) and with
 * skopeo into a fresh OCI layout.
 */
const available = await registryAvailable();
if (!available) console.warn(`registry push tests skipped: ${REGISTRY_BINARY} is missing (apt-get install -y docker-registry)`);
/** Tests run the registry on loopback, which the operator's default policy refuses. */
const LOOPBACK: SourcePolicy = { allowLoopback: true, allowedHosts: null };
const sha256 = (bytes: Buffer | Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe.skipIf(!available)('pushing a containerDisk to a registry on loopback', () => {
  let dir: string;
  let registry: TestRegistry;
  let disk: ContainerDisk;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stamper-push-'));
    const qcow2 = join(dir, 'node.qcow2');
    await runProcess('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '64M']);
    disk = await writeContainerDisk({
      exec: runProcess,
      qcow2Path: qcow2,
      diskFileName: 'node.qcow2',
      layoutDir: join(dir, 'layout'),
      archivePath: join(dir, 'node.oci.tar'),
      tag: 'v1.35.3',
      architecture: 'amd64',
      created: new Date('2026-03-01T12:00:00Z'),
    });
    const started = await startTestRegistry(join(dir, 'registry'));
    if (!started) throw new Error('docker-registry vanished');
    registry = started;
  });
  afterAll(async () => {
    await registry?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const target = (ref: string, host = registry.host) => ({ reference: parseImageReference(`${host}/${ref}`, 'latest'), plainHttp: true, policy: LOOPBACK });

  it('uploads every blob and the manifest, and the registry serves back the same bytes under the same digests', async () => {
    const pushed = await pushOciImage(disk.image.layoutDir, 'v1.35.3', target('nodes/debian-node:v1.35.3'));
    expect(pushed).toEqual({ reference: `${registry.host}/nodes/debian-node:v1.35.3`, digest: disk.image.manifest.digest, uploadedBlobs: 2, skippedBlobs: 0 });

    const manifest = await fetch(`http://${registry.host}/v2/nodes/debian-node/manifests/v1.35.3`, { headers: { accept: OCI_MANIFEST } });
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('content-type')).toBe(OCI_MANIFEST);
    const bytes = new Uint8Array(await manifest.arrayBuffer());
    expect(sha256(bytes)).toBe(disk.image.manifest.digest);
    for (const blob of [disk.image.config, disk.image.layer]) {
      const served = new Uint8Array(await (await fetch(`http://${registry.host}/v2/nodes/debian-node/blobs/${blob.digest}`)).arrayBuffer());
      expect(sha256(served)).toBe(blob.digest);
      expect(Buffer.from(served).equals(await readFile(blobPath(disk.image.layoutDir, blob.digest)))).toBe(true);
    }
  });

  it('skips blobs the registry already holds on a second push under another tag', async () => {
    const pushed = await pushOciImage(disk.image.layoutDir, 'v1.35.3', target('nodes/debian-node:stable'));
    expect(pushed).toMatchObject({ uploadedBlobs: 0, skippedBlobs: 2, digest: disk.image.manifest.digest });
  });

  it('is pulled back by skopeo into an OCI layout with the same manifest digest and layer', async (context) => {
    const skopeo = await access('/usr/bin/skopeo').then(
      () => true,
      () => false,
    );
    if (!skopeo) context.skip('skopeo is not installed (Debian package skopeo)');
    const pulled = join(dir, 'pulled');
    // skopeo compresses layers into an OCI layout unless told not to; the pull must keep the bytes
    await runProcess(
      'skopeo',
      [
        'copy',
        '--quiet',
        '--preserve-digests',
        '--dest-oci-accept-uncompressed-layers',
        '--src-tls-verify=false',
        `docker://${registry.host}/nodes/debian-node:v1.35.3`,
        `oci:${pulled}:pulled`,
      ],
      {
        quiet: true,
      },
    );
    const inspect = await runProcess('skopeo', ['inspect', `oci:${pulled}:pulled`], { captureStdout: true, quiet: true });
    expect(JSON.parse(inspect.stdout)).toMatchObject({ Digest: disk.image.manifest.digest, Layers: [disk.image.layer.digest] });
  });

  it('is refused by the default source policy before any request reaches a loopback registry', async () => {
    const error = await pushOciImage(disk.image.layoutDir, 'v1.35.3', { ...target('nodes/refused:t'), policy: DEFAULT_SOURCE_POLICY }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourcePolicyError);
    expect((error as SourcePolicyError).reason).toMatch(/loopback address; the operator allows loopback sources with STAMPER_ALLOW_LOOPBACK_SOURCES=1/);
    const manifest = await fetch(`http://${registry.host}/v2/nodes/refused/manifests/t`, { headers: { accept: OCI_MANIFEST } });
    expect(manifest.status).toBe(404);
  });

  it('follows a 307 by hand with the same method and body, and checks each hop against the policy', async () => {
    const forward = await startRedirector((path) => `http://${registry.host}${path}`);
    const toMetadata = await startRedirector(() => 'http://169.254.169.254/latest/meta-data/');
    try {
      const pushed = await pushOciImage(disk.image.layoutDir, 'v1.35.3', target('nodes/redirected:v1', forward.host));
      expect(pushed.digest).toBe(disk.image.manifest.digest);
      expect(forward.methods).toEqual(expect.arrayContaining(['HEAD', 'PUT']));
      const manifest = await fetch(`http://${registry.host}/v2/nodes/redirected/manifests/v1`, { headers: { accept: OCI_MANIFEST } });
      expect(sha256(new Uint8Array(await manifest.arrayBuffer()))).toBe(disk.image.manifest.digest);

      const refused = await pushOciImage(disk.image.layoutDir, 'v1.35.3', target('nodes/x:v1', toMetadata.host)).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SourcePolicyError);
      expect((refused as SourcePolicyError).url).toBe('http://169.254.169.254/latest/meta-data/');
      expect((refused as SourcePolicyError).reason).toBe('169.254.169.254 is a link-local address');
    } finally {
      await forward.close();
      await toMetadata.close();
    }
  });

  it('reports a registry that is not there as a push error, not a hang', async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    const error = await pushOciImage(disk.image.layoutDir, 'v1.35.3', {
      reference: parseImageReference(`${closed}/x/y:z`, 'latest'),
      plainHttp: true,
      policy: LOOPBACK,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryPushError);
    expect((error as RegistryPushError).message).toBe(`cannot reach the registry at ${closed}: connect ECONNREFUSED ${closed}`);
  });
});

describe.skipIf(!available)('pushing to a registry that asks for a password', () => {
  let dir: string;
  let registry: TestRegistry;
  let layoutDir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stamper-push-auth-'));
    // a bcrypt hash from the host's crypt(3), as htpasswd -B writes it; cost 4 keeps each request fast
    const hash = await runProcess(
      'python3',
      ['-c', 'import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))', 's3cret'],
      {
        captureStdout: true,
        quiet: true,
      },
    );
    const started = await startTestRegistry(join(dir, 'registry'), { htpasswd: `pusher:${hash.stdout.trim()}` });
    if (!started) throw new Error('docker-registry vanished');
    registry = started;
    layoutDir = await tinyContainerDiskLayout(dir);
  });
  afterAll(async () => {
    await registry?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers the Basic challenge with the credentials, and fails with 401 on wrong ones or none', async () => {
    const reference = parseImageReference(`${registry.host}/private/node:t`, 'latest');
    const none = await pushOciImage(layoutDir, 't', { reference, plainHttp: true, policy: LOOPBACK }).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(RegistryPushError);
    expect((none as RegistryPushError).message).toMatch(/asks for a user name and password/);
    const wrong = await pushOciImage(layoutDir, 't', {
      reference,
      plainHttp: true,
      policy: LOOPBACK,
      credentials: { username: 'pusher', password: 'nope' },
    }).catch((e: unknown) => e);
    expect((wrong as RegistryPushError).status).toBe(401);
    expect(String(wrong)).not.toContain('nope');
    const pushed = await pushOciImage(layoutDir, 't', {
      reference,
      plainHttp: true,
      policy: LOOPBACK,
      credentials: { username: 'pusher', password: 's3cret' },
    });
    expect(pushed.uploadedBlobs).toBe(2);
  });
});

describe.skipIf(!available)('pushing to a registry that hands out Bearer tokens', () => {
  let dir: string;
  let tokens: TokenServer;
  let registry: TestRegistry;
  let layoutDir: string;
  const credentials = { username: 'pusher', password: 's3cret' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stamper-push-token-'));
    tokens = await startTokenServer(dir, credentials);
    const started = await startTestRegistry(join(dir, 'registry'), { token: tokens });
    if (!started) throw new Error('docker-registry vanished');
    registry = started;
    layoutDir = await tinyContainerDiskLayout(dir);
  });
  afterAll(async () => {
    await registry?.close();
    await tokens?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("fetches a token scoped to pull and push on the repository from the challenge's realm, and pushes with it", async () => {
    const reference = parseImageReference(`${registry.host}/team/node:t`, 'latest');
    const pushed = await pushOciImage(layoutDir, 't', { reference, plainHttp: true, policy: LOOPBACK, credentials });
    expect(pushed.uploadedBlobs).toBe(2);
    expect(tokens.scopes[0]).toBe('repository:team/node:pull,push');
    const refused = await pushOciImage(layoutDir, 't', {
      reference,
      plainHttp: true,
      policy: LOOPBACK,
      credentials: { ...credentials, password: 'nope' },
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RegistryPushError);
    expect((refused as RegistryPushError).message).toMatch(/token service 127\.0\.0\.1:\d+ refused a push token: HTTP 401/);
  });
});

/** A containerDisk OCI layout around an empty 16 MiB qcow2: something real to push. */
async function tinyContainerDiskLayout(dir: string): Promise<string> {
  const qcow2 = join(dir, 'node.qcow2');
  await runProcess('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '16M']);
  const written = await writeContainerDisk({
    exec: runProcess,
    qcow2Path: qcow2,
    diskFileName: 'node.qcow2',
    layoutDir: join(dir, 'layout'),
    archivePath: join(dir, 'node.oci.tar'),
    tag: 't',
    architecture: 'amd64',
    created: new Date(0),
  });
  return written.image.layoutDir;
}

/** A loopback server that answers every request with a 307 to where `to` says. */
async function startRedirector(to: (path: string) => string): Promise<{ host: string; methods: string[]; close(): Promise<void> }> {
  const methods: string[] = [];
  const server: Server = createServer((req, res) => {
    methods.push(req.method ?? '');
    req.resume();
    res.writeHead(307, { location: to(req.url ?? '/') }).end();
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    }),
  );
  return { host: `127.0.0.1:${port}`, methods, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
