import { type ChildProcess, spawn } from 'node:child_process';
import { access, constants, mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * A real OCI registry (Debian's docker-registry, the CNCF distribution registry) on a free
 * loopback port, for push and pull tests. Returns null when the binary is not installed, so
 * a test can skip with a clear reason.
 */
export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface TestRegistry {
  /** host:port, as an image reference's registry part. */
  host: string;
  close(): Promise<void>;
}

export interface TestRegistryOptions {
  /** An htpasswd line ("user:bcrypt-hash"): the registry then asks for Basic credentials. */
  htpasswd?: string;
  /** A token service (server/testing/registry-token-server.ts): the registry then asks for Bearer tokens from it. */
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function registryAvailable(): Promise<boolean> {
  return access(REGISTRY_BINARY, constants.X_OK).then(
    () => true,
    () => false,
  );
}

export async function startTestRegistry(dir: string, options: TestRegistryOptions = {}): Promise<TestRegistry | null> {
  if (!(await registryAvailable())) return null;
  await mkdir(join(dir, 'data'), { recursive: true });
  const port = await freePort();
  const auth = options.htpasswd
    ? ['auth:', '  htpasswd:', '    realm: stamper-test', `    path: ${join(dir, 'htpasswd')}`]
    : options.token
      ? [
          'auth:',
          '  token:',
          `    realm: ${options.token.realm}`,
          `    service: ${options.token.service}`,
          `    issuer: ${options.token.issuer}`,
          `    rootcertbundle: ${options.token.rootCertBundle}`,
        ]
      : [];
  if (options.htpasswd) await writeFile(join(dir, 'htpasswd'), `${options.htpasswd}\n`);
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    'http:',
    `  addr: 127.0.0.1:${port}`,
    ...auth,
    '',
  ].join('\n');
  await writeFile(join(dir, 'config.yml'), config);
  const child: ChildProcess = spawn(REGISTRY_BINARY, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited at start: ${stderr}`);
    const ready = await fetch(`http://${host}/v2/`).then(
      (r) => r.status === 200 || r.status === 401,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`docker-registry did not answer on ${host}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
