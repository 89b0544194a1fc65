import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CONTAINERD_RELEASES_URL } from '../../src/spec/catalog.ts';
import { DEFAULT_SOURCE_POLICY, sourcePolicyFromEnvironment } from '../sources/source-policy.ts';
import { artifactStorageConfigSchema, artifactStorageFromEnvironment } from './artifact-storage-config.ts';
import { isLoopbackHost } from './loopback.ts';
import { oidcConfigSchema, oidcFromEnvironment } from './oidc-config.ts';

/**
 * Everything the service reads from flags and environment, validated once at
 * start-up so a bad value stops the process with a clear message instead of
 * surfacing later inside a request.
 */
const positiveInt = z.coerce.number().int().positive();
const count = z.coerce.number().int().min(0);

const DEFAULT_DATA_DIR = './data';

/** Absolute, because a relative one would depend on the working directory (`/` under systemd). */
const signingKeyDirSchema = z.string().refine((dir) => path.isAbsolute(dir), 'STAMPER_SIGNING_KEY_DIR must be an absolute path');

const configSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    dataDir: z.string().min(1).default(DEFAULT_DATA_DIR),
    cacheDir: z.string().min(1).optional(),
    /**
     * One signing key shared by every API replica and worker (e.g. mounted from a Secret), made
     * once elsewhere and never created there; unset: each data dir's own key, made on first use.
     */
    signingKeyDir: signingKeyDirSchema.optional(),
    /** Postgres for scale-out (API processes and workers on several machines); unset: SQLite in the data dir. */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'STAMPER_DATABASE_URL must be a postgres:// URL')
      .optional(),
    token: z.string().min(16, 'STAMPER_TOKEN must be at least 16 characters').optional(),
    /** Extra origins (e.g. the Vite dev server) whose requests are accepted besides the server's own. */
    allowedOrigins: z.array(z.url()).default([]),
    staticDir: z
      .string()
      .min(1)
      .default(path.resolve(import.meta.dirname, '../../dist')),
    // 0 makes an API-only process that leaves building to `stamper worker`s.
    concurrency: count.max(64).default(1),
    minFreeBytes: z.coerce
      .number()
      .int()
      .min(0)
      .default(2 * 1024 ** 3),
    keepBuilds: positiveInt.default(50),
    maxArtifactBytes: z.coerce
      .number()
      .int()
      .positive()
      .default(100 * 1024 ** 3),
    buildTimeoutMs: positiveInt.default(4 * 60 * 60 * 1000),
    stageTimeoutMs: positiveInt.default(2 * 60 * 60 * 1000),
    buildsPerMinute: positiveInt.default(20),
    /** How often a process that runs builds stamps its heartbeat in the worker registry; stale after 3 missed. */
    workerHeartbeatSeconds: z.coerce.number().positive().max(3600).default(10),
    /** Postgres only: how many more times a build whose worker died (its lease lapsed) is built again on another worker. */
    buildRetries: z.coerce.number().int().min(0).max(5).default(1),
    /** Loopback and allowlist rules for the URLs a spec names (see server/sources/source-policy.ts). */
    sourcePolicy: z
      .object({ allowLoopback: z.boolean(), allowedHosts: z.array(z.string()).nullable() })
      .default({ ...DEFAULT_SOURCE_POLICY, allowedHosts: null }),
    /** Off only for servers whose pipeline fetches nothing (the scripted test server). */
    preflight: z.boolean().default(true),
    /** The Kubernetes stand-in repository this server's operator serves, offered in the designer. */
    standInUrl: z.url().optional(),
    /** rootless: builds run as a user namespace's root (see server/pipeline/sandbox/); root is the opt-in for hosts that cannot. */
    buildMode: z.enum(['rootless', 'root']).default('rootless'),
    /** Where the designer's suggested containerd release files come from: the project's downloads or a mirror of them. */
    containerdReleasesUrl: z.url().default(CONTAINERD_RELEASES_URL),
    /** How often `serve` checks every finished image for updates; 0 turns the schedule off (a build page still checks on demand). */
    updatesCheckHours: z.coerce.number().min(0).max(720).default(12),
    /** Browser sign-in with OpenID Connect; with it, roles and personal access tokens decide who does what. */
    oidc: oidcConfigSchema.optional(),
    /** S3-compatible object storage for artifacts (STAMPER_ARTIFACTS_URL); unset: the data directory. */
    artifactStorage: artifactStorageConfigSchema.optional(),
  })
  .superRefine((config, ctx) => {
    if (!isLoopbackHost(config.host) && !config.token && !config.oidc) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: `refusing to listen on ${config.host} without a token: set STAMPER_TOKEN (or STAMPER_OIDC_ISSUER for sign-in), or bind a loopback address`,
      });
    }
  });

/**
 * The data directory for commands that take no server flags (`stamper build`, `stamper verify`):
 * the same STAMPER_DATA_DIR rule as the server, so they find the server's signing key.
 */
export function dataDirFromEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.STAMPER_DATA_DIR || DEFAULT_DATA_DIR);
}

/** STAMPER_SIGNING_KEY_DIR for the same commands, checked by the server's rule; undefined when unset. */
export function signingKeyDirFromEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.STAMPER_SIGNING_KEY_DIR) return undefined;
  const parsed = signingKeyDirSchema.safeParse(env.STAMPER_SIGNING_KEY_DIR);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message).join('; '));
  return path.normalize(parsed.data);
}

export type ServerConfig = z.output<typeof configSchema> & { cacheDir: string; dataDir: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const GiB = 1024 ** 3;

function fromEnvironment(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const gib = (value: string | undefined) => (value === undefined ? undefined : Math.round(Number(value) * GiB));
  const seconds = (value: string | undefined) => (value === undefined ? undefined : Number(value) * 1000);
  return {
    host: env.STAMPER_HOST,
    port: env.STAMPER_PORT,
    dataDir: env.STAMPER_DATA_DIR,
    cacheDir: env.STAMPER_CACHE_DIR,
    signingKeyDir: env.STAMPER_SIGNING_KEY_DIR,
    databaseUrl: env.STAMPER_DATABASE_URL || undefined,
    token: env.STAMPER_TOKEN || undefined,
    allowedOrigins: env.STAMPER_ALLOWED_ORIGINS?.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    staticDir: env.STAMPER_STATIC_DIR,
    concurrency: env.STAMPER_CONCURRENCY,
    minFreeBytes: gib(env.STAMPER_MIN_FREE_GB),
    keepBuilds: env.STAMPER_KEEP_BUILDS,
    maxArtifactBytes: gib(env.STAMPER_MAX_ARTIFACTS_GB),
    buildTimeoutMs: seconds(env.STAMPER_BUILD_TIMEOUT_SECONDS),
    stageTimeoutMs: seconds(env.STAMPER_STAGE_TIMEOUT_SECONDS),
    buildsPerMinute: env.STAMPER_BUILDS_PER_MINUTE,
    workerHeartbeatSeconds: env.STAMPER_WORKER_HEARTBEAT_SECONDS,
    buildRetries: env.STAMPER_BUILD_RETRIES,
    sourcePolicy: sourcePolicyFromEnvironment(env),
    preflight: env.STAMPER_PREFLIGHT === undefined ? undefined : !/^(0|false|no|off)$/i.test(env.STAMPER_PREFLIGHT),
    standInUrl: env.STAMPER_STAND_IN_URL,
    buildMode: env.STAMPER_BUILD_MODE || undefined,
    containerdReleasesUrl: env.STAMPER_CONTAINERD_RELEASES_URL,
    updatesCheckHours: env.STAMPER_UPDATES_CHECK_HOURS,
    oidc: oidcFromEnvironment(env),
    artifactStorage: artifactStorageFromEnvironment(env),
  };
}

function fromFlags(argv: string[]): Record<string, unknown> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'cache-dir': { type: 'string' },
      concurrency: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    host: values.host,
    port: values.port,
    dataDir: values['data-dir'],
    cacheDir: values['cache-dir'],
    concurrency: values.concurrency,
  };
}

/** Unset and empty (`STAMPER_HOST=`) both mean "use the default". */
const definedOnly = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== ''));

/** Flags win over environment, environment over defaults. */
export function loadServerConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): ServerConfig {
  let flags: Record<string, unknown>;
  try {
    flags = fromFlags(argv);
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
  const parsed = configSchema.safeParse({ ...definedOnly(fromEnvironment(env)), ...definedOnly(flags) });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const dataDir = path.resolve(parsed.data.dataDir);
  const signingKeyDir = parsed.data.signingKeyDir === undefined ? undefined : path.normalize(parsed.data.signingKeyDir);
  return { ...parsed.data, dataDir, signingKeyDir, cacheDir: path.resolve(parsed.data.cacheDir ?? path.join(dataDir, 'cache')) };
}
