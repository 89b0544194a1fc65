import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TEST_IMAGE_NOTICE } from '../../src/spec/build-events.ts';
import { buildKey } from '../../src/spec/build-key';
import type { NodeImage } from '../../src/spec/schema';
import { parseSpecYaml } from '../../src/spec/yaml-spec';
import type { BuildOutcome, BuildRunner } from '../builds/build-runner.ts';
import { ProcessBuildRunner, buildProgramFiles, realBuildScript } from '../builds/process-build-runner.ts';
import { openBuildSandbox, parseBuildMode } from '../pipeline/sandbox/build-sandbox.ts';
import { dataDirFromEnvironment, signingKeyDirFromEnvironment } from '../config/server-config.ts';
import { keyDirSigner } from '../signing/sign-sums.ts';
import { ensureSigningKey } from '../signing/signing-key.ts';
import { signingKeyDir, type SigningKeyDir } from '../signing/signing-key-dir.ts';
import { eventPrinter, formatBytes, seconds } from './build-event-printer.ts';
import { writeDropInManifestFiles } from './drop-in-manifest-files.ts';
import { type BuildFailure, signerWithReport, writeBuildReport } from './build-report.ts';

const usage = `usage: stamper build <spec.yaml> [--out DIR] [--cache DIR] [--work DIR] [--keep-work] [--verbose]

Builds the image a NodeImage spec describes, on this machine (root, Debian host):
artifacts, the SBOM, build-report.json and a signed SHA256SUMS go to --out
(default ./out/<name>); check them with \`stamper verify <dir>\`. Cluster API
machine-template snippets for the build's images go to <out>/cluster-api/.

  --out DIR     output directory
  --cache DIR   base-tree and download cache kept between builds (default $STAMPER_CACHE_DIR,
                as for the server, else ~/.cache/stamper)
  --work DIR    scratch directory (default /var/tmp/stamper-work/<build key>)
  --keep-work   keep the scratch directory after the build
  --key-dir DIR signing key directory, a key is created there on first use (default
                $STAMPER_SIGNING_KEY_DIR, whose key must exist, else $STAMPER_DATA_DIR/keys
                or ./data/keys)
  --verbose     print every log line, not only stage progress
`;

/** --cache, else STAMPER_CACHE_DIR (the server's setting, so both share one cache), else ~/.cache/stamper. */
export function buildCacheDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, isRoot = process.getuid?.() === 0): string {
  // root's home is private (0700): the rootless build could not read a cache there
  return resolve(flag ?? (env.STAMPER_CACHE_DIR || (isRoot ? '/var/cache/stamper' : join(homedir(), '.cache', 'stamper'))));
}

/** The CLI's builds run in the same sandbox as the service's (STAMPER_BUILD_MODE, default rootless). */
async function cliSandbox(cacheDir: string) {
  const sandbox = await openBuildSandbox(parseBuildMode(process.env.STAMPER_BUILD_MODE), buildProgramFiles);
  sandbox.admit({ cacheDir });
  return sandbox;
}

/**
 * `stamper build`: 0 on success, 1 when the build fails or is interrupted, 2 on bad usage or an invalid spec.
 * The build runs in the same build process the service starts (`runner`), so the CLI and
 * the service share one path, signing included: the key stays in this process.
 */
export async function runBuildCommand(
  argv: string[],
  runnerFor: (cacheDir: string) => BuildRunner = (cacheDir) => new ProcessBuildRunner({ script: realBuildScript, sandbox: cliSandbox(cacheDir) }),
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        cache: { type: 'string' },
        work: { type: 'string' },
        'keep-work': { type: 'boolean' },
        'key-dir': { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`stamper build: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const [specPath, ...extra] = parsed.positionals;
  if (!specPath || extra.length > 0) {
    process.stderr.write(usage);
    return 2;
  }

  const image = await loadSpec(specPath);
  if (!image) return 2;
  const key = await buildKey(image);
  const outDir = resolve(parsed.values.out ?? join('out', image.metadata.name));
  const cacheDir = buildCacheDir(parsed.values.cache);
  const workDir = resolve(parsed.values.work ?? join('/var/tmp/stamper-work', key.slice(0, 16)));
  let signingKey: SigningKeyDir;
  try {
    const flag = parsed.values['key-dir'];
    signingKey = flag
      ? { path: resolve(flag), create: true }
      : signingKeyDir({ dataDir: dataDirFromEnvironment(), signingKeyDir: signingKeyDirFromEnvironment() });
    // a shared key that is missing fails now, not after the build at its sign stage
    await ensureSigningKey(signingKey.path, signingKey);
  } catch (error) {
    process.stderr.write(`stamper build: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  await mkdir(outDir, { recursive: true });

  const startedAt = new Date();
  const printer = eventPrinter(Boolean(parsed.values.verbose));
  const stagedOut = join(workDir, 'out');
  const report = (status: 'succeeded' | 'failed' | 'canceled', failure?: BuildFailure, dir = outDir) =>
    writeBuildReport(dir, { image, buildKey: key, startedAt, status, failure, events: printer });
  let signedReport: { path: string; durationMs: number } | undefined;
  // written beside the artifacts it describes, so it is signed and moved with them
  const signer = signerWithReport(keyDirSigner(signingKey.path, signingKey), async () => {
    signedReport = await report('succeeded', undefined, stagedOut);
    return signedReport.path;
  });

  process.stdout.write(`building ${image.metadata.name} (build key ${key.slice(0, 12)}) → ${outDir}\n`);
  const runner = runnerFor(cacheDir);
  const refusal = await runner.prepare?.();
  if (refusal) {
    process.stderr.write(`stamper build: ${refusal}\n`);
    return 1;
  }
  // the build writes into its own work dir (--out may be anywhere, e.g. under a private home); the files move to --out afterwards
  const job = { buildId: `cli-${randomUUID()}`, buildKey: key, spec: image, workDir, outDir: stagedOut, cacheDir, signer };
  let handle: ReturnType<BuildRunner['start']>;
  try {
    handle = runner.start(job, (events) => events.forEach(printer));
  } catch (error) {
    // e.g. a --work the build user cannot reach: said plainly, nothing was built
    process.stderr.write(`stamper build: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  let canceled = false;
  const onSignal = (): void => {
    process.stderr.write('\nstamper build: canceling…\n');
    canceled = true;
    handle.terminate();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let outcome: BuildOutcome;
  try {
    outcome = await handle.outcome;
    if (outcome.status === 'succeeded') await moveInto(stagedOut, outDir);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!parsed.values['keep-work']) await rm(workDir, { recursive: true, force: true });
  }

  if (outcome.status === 'succeeded') {
    // the report was written and signed with the artifacts when the build asked for its signature
    const written = signedReport ?? (await report('succeeded'));
    process.stdout.write(`\nbuilt ${image.metadata.name} in ${seconds(written.durationMs)}\n`);
    const signedFiles = new Set(['SHA256SUMS', 'SHA256SUMS.sig']);
    for (const artifact of printer.artifacts().filter((a) => !signedFiles.has(a.name))) {
      process.stdout.write(`  ${artifact.name}  ${formatBytes(artifact.sizeBytes)}  sha256:${artifact.sha256}\n`);
    }
    // beside the signed files, not in SHA256SUMS: snippets to edit, named after the artifacts they point at
    const snippets = await writeDropInManifestFiles(outDir, {
      buildKey: key,
      image,
      artifacts: printer.artifacts().filter((a) => !signedFiles.has(a.name)),
      published: printer.published(),
    });
    for (const file of snippets) process.stdout.write(`  Cluster API snippet: ${file}\n`);
    if (printer.testImage()) process.stdout.write(`\n${TEST_IMAGE_NOTICE}\n`);
    return 0;
  }
  if (canceled) {
    process.stderr.write(`stamper build: ${outcome.error}\n`);
    await report('canceled');
    return 1;
  }
  const failure = failureOf(outcome);
  if (failure.stage === 'unknown') process.stderr.write(`stamper build: ${failure.message}\n`);
  else {
    process.stderr.write(`\nstamper build: stage ${failure.stage} failed: ${failure.message}\n`);
    if (failure.lastLines.length > 0) process.stderr.write(`last output:\n${failure.lastLines.map((l) => `  ${l}`).join('\n')}\n`);
  }
  await report('failed', failure);
  return 1;
}

/** Moves a finished build's files to --out: a rename where it can, a copy across file systems. */
async function moveInto(from: string, to: string): Promise<void> {
  for (const name of await readdir(from)) {
    const source = join(from, name);
    const target = join(to, name);
    await rename(source, target).catch(async (error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      await copyFile(source, target);
      await rm(source);
    });
  }
}

function failureOf(outcome: Extract<BuildOutcome, { status: 'failed' }>): BuildFailure {
  if (outcome.stage === null) return { stage: 'unknown', message: outcome.error, lastLines: [] };
  return { stage: outcome.stage, message: outcome.error, lastLines: outcome.lastLines };
}

async function loadSpec(path: string): Promise<NodeImage | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    process.stderr.write(`stamper build: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  }
  const parsed = parseSpecYaml(text);
  if (parsed.ok) return parsed.value;
  process.stderr.write(`stamper build: ${path} is not a valid NodeImage spec:\n`);
  for (const issue of parsed.issues) {
    const where = issue.line ? `${path}:${issue.line}:${issue.column ?? 1}` : path;
    process.stderr.write(`  ${where} ${issue.path.join('.') || '(root)'}: ${issue.message}\n`);
  }
  return undefined;
}
