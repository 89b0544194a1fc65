import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './oci-registry.ts';

const run = promisify(execFile);

/**
 * A real Postgres (Debian's package) in a temporary directory, on a free loopback port,
 * started for a test and stopped after. Postgres refuses to run as root, so when the
 * tests run as root the cluster is made and run as an unprivileged user.
 */
export interface TestPostgres {
  /** postgres://user:password@127.0.0.1:port/stamper */
  url: string;
  /** A fresh empty database on the same server, for a test that needs its own schema. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const POSTGRES_ROOT = '/usr/lib/postgresql';
/**
 * Postgres's default (100) fits four Stamper processes under full load (each opens up to
 * about 23 connections: docs/scale-out.md); the simulations and benches start more.
 */
const MAX_CONNECTIONS = 200;

/** The newest installed Postgres bin directory, or null when the package is missing. */
export async function postgresBinDir(): Promise<string | null> {
  const versions = await readdir(POSTGRES_ROOT).catch(() => [] as string[]);
  const newest = versions
    .filter((v) => /^\d+$/.test(v))
    .map(Number)
    .sort((a, b) => b - a)[0];
  return newest === undefined ? null : path.join(POSTGRES_ROOT, String(newest), 'bin');
}

/** Why Postgres tests cannot run here, or null when they can: for `describe.skipIf` with a clear message. */
export async function postgresMissing(): Promise<string | null> {
  return (await postgresBinDir()) ? null : `no Postgres under ${POSTGRES_ROOT} (install the Debian package postgresql)`;
}

/** Who runs the cluster: ourselves, or (as root) the build user, else nobody. */
async function clusterUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined;
  for (const name of ['stamper-build', 'nobody']) {
    const ids = await run('id', ['-u', name]).then(
      async ({ stdout }) => ({ uid: Number(stdout.trim()), gid: Number((await run('id', ['-g', name])).stdout.trim()) }),
      () => undefined,
    );
    if (ids) return ids;
  }
  throw new Error('running as root and neither stamper-build nor nobody exists to run Postgres as');
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = await postgresBinDir();
  if (!bin) throw new Error((await postgresMissing()) ?? 'no Postgres');
  const user = await clusterUser();
  const dir = await mkdtemp(path.join(tmpdir(), 'stamper-pg-'));
  const dataDir = path.join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  await writeFile(path.join(dir, 'pwfile'), `${password}\n`, { mode: 0o600 });
  if (user) {
    await chown(dir, user.uid, user.gid);
    await chown(path.join(dir, 'pwfile'), user.uid, user.gid);
  }
  await chmod(dir, 0o700);
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  const env = { ...process.env, LC_ALL: 'C', TZ: 'UTC' };
  await run(
    path.join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'stamper', '--pwfile', path.join(dir, 'pwfile'), '--auth', 'scram-sha-256', '-E', 'UTF8', '--no-sync'],
    {
      ...as,
      env,
    },
  );
  const port = await freePort();
  // fsync off: a test cluster is thrown away, and durability is SQLite-style proven elsewhere
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c full_page_writes=off -c max_connections=${MAX_CONNECTIONS}`;
  await run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', path.join(dir, 'log'), '-o', options, '-w', '-t', '60', 'start'], { ...as, env });
  const base = `postgres://stamper:${password}@127.0.0.1:${port}`;
  const createDatabase = async (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
    const client = new pg.Client({ connectionString: `${base}/postgres` });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return `${base}/${name}`;
  };
  await createDatabase('stamper');
  return {
    url: `${base}/stamper`,
    createDatabase,
    stop: async () => {
      await run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], { ...as, env }).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
