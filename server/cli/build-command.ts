import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { TEST_IMAGE_NOTICE } from '../../src/spec/build-events.ts';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildKey } from '../../src/spec/build-key';
import type { NodeImage } from '../../src/spec/schema';
import { parseSpecYaml } from '../../src/spec/yaml-spec';
import type { PipelineEvent, PublishedImage } from '../pipeline/events';
import { PipelineAbortError, PipelineError, type PipelineResult, runPipeline } from '../pipeline/run-pipeline';
import { signBuildOutputs } from '../signing/sign-build-outputs.ts';
import { keyDir } from '../builds/build-dirs.ts';
import { dataDirFromEnvironment } from '../config/server-config.ts';
import { writeDropInManifestFiles } from './drop-in-manifest-files.ts';

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
  --key-dir DIR signing key directory (default $STAMPER_DATA_DIR/keys or ./data/keys;
                a key is created there on first use)
  --verbose     print every log line, not only stage progress
`;

export const BUILD_REPORT_FILE = 'build-report.json';

/** --cache, else STAMPER_CACHE_DIR (the server's setting, so both share one cache), else ~/.cache/stamper. */
export function buildCacheDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? (env.STAMPER_CACHE_DIR || join(homedir(), '.cache', 'stamper')));
}

/** `stamper build`: 0 on success, 1 when the build fails or is interrupted, 2 on bad usage or an invalid spec. */
export async function runBuildCommand(argv: string[]): Promise<number> {
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
  const keys = resolve(parsed.values['key-dir'] ?? keyDir(dataDirFromEnvironment()));
  await mkdir(outDir, { recursive: true });

  const controller = new AbortController();
  const onSignal = (): void => {
    process.stderr.write('\nstamper build: canceling…\n');
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const startedAt = new Date();
  const printer = eventPrinter(Boolean(parsed.values.verbose));
  process.stdout.write(`building ${image.metadata.name} (build key ${key.slice(0, 12)}) → ${outDir}\n`);
  let result: PipelineResult | undefined;
  const published: PublishedImage[] = [];
  let failure: { stage: string; message: string; lastLines: string[] } | undefined;
  try {
    result = await runPipeline({
      spec: image,
      buildKey: key,
      workDir,
      outDir,
      cacheDir,
      signal: controller.signal,
      emit: (event) => {
        printer(event);
        if (event.type === 'published') published.push(event.image);
      },
    });
  } catch (error) {
    if (error instanceof PipelineAbortError) {
      process.stderr.write(`stamper build: ${error.message}\n`);
    } else if (error instanceof PipelineError) {
      failure = { stage: error.stage, message: error.message, lastLines: error.lastLines };
      process.stderr.write(`\nstamper build: stage ${error.stage} failed: ${error.message}\n`);
      if (error.lastLines.length > 0) process.stderr.write(`last output:\n${error.lastLines.map((l) => `  ${l}`).join('\n')}\n`);
    } else {
      failure = { stage: 'unknown', message: error instanceof Error ? error.message : String(error), lastLines: [] };
      process.stderr.write(`stamper build: ${failure.message}\n`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!parsed.values['keep-work']) await rm(workDir, { recursive: true, force: true });
  }

  const finishedAt = new Date();
  const report = {
    buildKey: key,
    name: image.metadata.name,
    status: result ? 'succeeded' : failure ? 'failed' : 'canceled',
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    stages: result?.stages ?? printer.stages(),
    artifacts: (result?.artifacts ?? []).map(({ name, format, sizeBytes, sha256 }) => ({ name, format, sizeBytes, sha256 })),
    verify: result?.verify ?? [],
    testImage: printer.testImage() ? { notice: TEST_IMAGE_NOTICE, reason: printer.testImage() } : null,
    ...(failure ? { failure } : {}),
    spec: image,
  };
  await writeFile(join(outDir, BUILD_REPORT_FILE), JSON.stringify(report, null, 2) + '\n');
  if (!result) return 1;

  // The same signed SHA256SUMS the service writes, so `stamper verify` checks CLI builds too.
  await signBuildOutputs(outDir, keys, new Map(result.artifacts.map((a) => [a.name, a.sha256])));
  process.stdout.write(`\nbuilt ${image.metadata.name} in ${seconds(report.durationMs)}\n`);
  for (const artifact of result.artifacts) process.stdout.write(`  ${artifact.name}  ${formatBytes(artifact.sizeBytes)}  sha256:${artifact.sha256}\n`);
  for (const file of await writeDropInManifestFiles(outDir, { buildKey: key, image, artifacts: result.artifacts, published })) {
    process.stdout.write(`  Cluster API snippet: ${file}\n`);
  }
  if (printer.testImage()) process.stdout.write(`\n${TEST_IMAGE_NOTICE}\n`);
  return 0;
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

interface EventPrinter {
  (event: PipelineEvent): void;
  stages(): { name: string; status: string; durationMs: number }[];
  testImage(): string | null;
}

function eventPrinter(verbose: boolean): EventPrinter {
  const finished: { name: string; status: string; durationMs: number }[] = [];
  const lastPrinted = new Map<string, number>();
  let testImage: string | null = null;
  const print = ((event: PipelineEvent) => {
    switch (event.type) {
      case 'stage':
        if (event.status === 'started') process.stdout.write(`[${event.stage}] started\n`);
        else {
          finished.push({ name: event.stage, status: event.status, durationMs: event.durationMs ?? 0 });
          const took = event.durationMs !== undefined ? ` in ${seconds(event.durationMs)}` : '';
          process.stdout.write(`[${event.stage}] ${event.status}${took}${event.error ? `: ${event.error}` : ''}\n`);
        }
        break;
      case 'progress': {
        // a line every 10 percent (or on a new message) keeps the terminal readable
        const previous = lastPrinted.get(event.stage) ?? -100;
        if (event.percent - previous >= 10 || (event.message && event.percent > previous)) {
          lastPrinted.set(event.stage, event.percent);
          process.stdout.write(`[${event.stage}] ${String(event.percent).padStart(3)}%${event.message ? ` ${event.message}` : ''}\n`);
        }
        break;
      }
      case 'log':
        if (verbose) process.stdout.write(`[${event.stage}] ${event.line}\n`);
        break;
      case 'verify':
        process.stdout.write(`[verify] ${event.check.ok ? 'PASS' : 'FAIL'} ${event.check.name}: ${event.check.detail}\n`);
        break;
      case 'testImage':
        testImage = event.reason;
        process.stdout.write(`[kubernetes] ${TEST_IMAGE_NOTICE} (${event.reason})\n`);
        break;
      case 'artifact':
        process.stdout.write(`[artifact] ${event.artifact.name} (${formatBytes(event.artifact.sizeBytes)})\n`);
        break;
      default:
        break;
    }
  }) as EventPrinter;
  print.stages = () => finished;
  print.testImage = () => testImage;
  return print;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
