/**
 * Bundle budget: builds the SPA (into a temp dir, so a concurrent `npm run build` is not
 * disturbed) and reports the gzip size of the JavaScript a first visit loads (the entry
 * and its static imports) against the 250 kB budget, and of the lazily loaded Monaco
 * editor on its own.
 *
 *   npm run bench:bundle                 build, then report
 *   npm run bench:bundle -- --dist dist  report on an existing build
 *   npm run bench:bundle -- --json       machine-readable output
 *
 * Exits 1 when the initial JS is over budget.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 250 * 1000;
const root = path.resolve(import.meta.dirname, '..');

interface FileSize {
  file: string;
  bytes: number;
  gzipBytes: number;
}

const { values: args } = parseArgs({ options: { dist: { type: 'string' }, json: { type: 'boolean', default: false } } });

async function buildInto(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

async function sizeOf(dist: string, file: string): Promise<FileSize> {
  const body = await readFile(path.join(dist, file));
  return { file, bytes: body.byteLength, gzipBytes: gzipSync(body, { level: 9 }).byteLength };
}

/** Relative module specifiers of static imports (`import x from "./a.js"`, `import "./b.js"`), not `import("./c.js")`. */
function staticImports(code: string): string[] {
  const found = new Set<string>();
  for (const match of code.matchAll(/\bimport\s*(?:[^"'()]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g)) {
    if (match[1]) found.add(match[1]);
  }
  return [...found];
}

/** Everything a file pulls in before it can run, following static imports only. */
async function staticClosure(dist: string, entries: readonly string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop();
    if (!file || seen.has(file)) continue;
    seen.add(file);
    const code = await readFile(path.join(dist, file), 'utf8');
    for (const spec of staticImports(code)) {
      queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)));
    }
  }
  return seen;
}

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`${name}="([^"]+)"`).exec(tag)?.[1];
}

async function analyse(dist: string) {
  const html = await readFile(path.join(dist, 'index.html'), 'utf8');
  const toFile = (url: string) => url.replace(/^\//, '');
  const entryScripts = [...html.matchAll(/<script[^>]*type="module"[^>]*>/g)].flatMap((m) => attr(m[0], 'src') ?? []).map(toFile);
  const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*>/g)].flatMap((m) => attr(m[0], 'href') ?? []).map(toFile);
  const styles = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*>/g)].flatMap((m) => attr(m[0], 'href') ?? []).map(toFile);
  const initial = await staticClosure(dist, [...entryScripts, ...preloads]);

  const assets = await readdir(path.join(dist, 'assets'));
  // Monaco: the lazily imported spec-editor chunk with what only it needs, its workers and styles.
  const editorEntries = assets.filter((f) => /^spec-editor-.*\.js$/.test(f)).map((f) => `assets/${f}`);
  const editorClosure = [...(await staticClosure(dist, editorEntries))].filter((f) => !initial.has(f));
  const workers = assets.filter((f) => /^(editor|yaml)\.worker-.*\.js$/.test(f)).map((f) => `assets/${f}`);
  // Vite names a chunk's CSS after the chunk, with its own hash.
  const chunkNames = new Set(editorClosure.map((f) => path.basename(f).replace(/-[\w-]{8}\.js$/, '')));
  const editorCss = assets.filter((f) => f.endsWith('.css') && chunkNames.has(f.replace(/-[\w-]{8}\.css$/, ''))).map((f) => `assets/${f}`);

  const sizes = async (files: Iterable<string>) => Promise.all([...files].sort().map((f) => sizeOf(dist, f)));
  const initialJs = await sizes(initial);
  const initialCss = await sizes(styles);
  const monacoJs = await sizes([...editorClosure, ...workers]);
  const monacoCss = await sizes(editorCss);
  const total = (list: FileSize[]) => list.reduce((sum, f) => sum + f.gzipBytes, 0);
  return {
    budgetBytes: BUDGET_BYTES,
    initialJs,
    initialJsGzip: total(initialJs),
    initialCssGzip: total(initialCss),
    monacoJs,
    monacoJsGzip: total(monacoJs),
    monacoCssGzip: total(monacoCss),
    withinBudget: total(initialJs) <= BUDGET_BYTES,
  };
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

async function main(): Promise<number> {
  let tempDir: string | null = null;
  let dist = args.dist ? path.resolve(args.dist) : null;
  if (!dist) {
    tempDir = await mkdtemp(path.join(tmpdir(), 'stamper-bundle-'));
    dist = path.join(tempDir, 'dist');
    await buildInto(dist);
  }
  try {
    const report = await analyse(dist);
    if (args.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const rows = (list: FileSize[]) =>
        list.map((f) => `    ${f.file.padEnd(48)} ${kB(f.bytes).padStart(10)}  gzip ${kB(f.gzipBytes).padStart(9)}`).join('\n');
      process.stdout.write(
        [
          'Initial JS (entry + static imports):',
          rows(report.initialJs),
          `  total gzip: ${kB(report.initialJsGzip)} (budget ${kB(report.budgetBytes)}); initial CSS gzip: ${kB(report.initialCssGzip)}`,
          '',
          'Monaco editor (lazy chunk + workers, not in the initial load):',
          rows(report.monacoJs),
          `  total gzip: ${kB(report.monacoJsGzip)}; editor CSS gzip: ${kB(report.monacoCssGzip)}`,
          '',
          report.withinBudget
            ? `PASS: initial JS is ${kB(report.initialJsGzip)} gzip, within ${kB(report.budgetBytes)}.`
            : `FAIL: initial JS is ${kB(report.initialJsGzip)} gzip, over ${kB(report.budgetBytes)}.`,
          '',
        ].join('\n'),
      );
    }
    return report.withinBudget ? 0 : 1;
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
