/**
 * Log viewer append throughput in Chromium: the real stream hook, reducer, react-query cache
 * and virtualized viewer, fed 100,000 log events by a stand-in EventSource as fast as the page
 * takes them. Prints lines/s and how long frames took meanwhile (the UI must stay responsive).
 * Goal: ≥ 20,000 lines/s with no frame longer than 200 ms.
 *   node --import tsx bench/log-viewer.ts [lines]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from '@playwright/test';
import react from '@vitejs/plugin-react';
import { build, preview } from 'vite';

const LINES = Number(process.argv[2] ?? 100_000);
const GOAL_LINES_PER_SECOND = 20_000;
const MAX_FRAME_MS = 200;
const repoRoot = path.resolve(import.meta.dirname, '..');

// The harness page: a fake EventSource that plays LINES log events in chunks, yielding to the
// page between chunks the way a fast network stream would, then the final state event.
const harness = `
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createRoot } from 'react-dom/client';
import { useBuildEvents } from '@/features/builds/hooks/use-build-events';
import { LogViewer } from '@/features/builds/components/log-viewer';
import '@/features/builds/builds.css';

const TOTAL = ${LINES};
const CHUNK = 500;
const colours = ['\\u001b[32m', '\\u001b[33m', '\\u001b[31m', ''];
const bench = { started: 0, done: 0, frames: [] };
window.bench = bench;

class StreamingEventSource {
  static CONNECTING = 0; static OPEN = 1; static CLOSED = 2;
  readyState = 0; onopen = null; onmessage = null; onerror = null;
  constructor() {
    setTimeout(() => { this.readyState = 1; this.onopen?.(); bench.started = performance.now(); this.play(1); }, 50);
  }
  play(seq) {
    if (this.readyState === 2) return;
    const end = Math.min(TOTAL, seq + CHUNK - 1);
    for (let i = seq; i <= end; i++) {
      const line = colours[i % 4] + 'Get:' + i + ' http://mirror.invalid/debian trixie/main amd64 package-' + i + ' [' + (i * 7) + ' kB]\\u001b[0m';
      this.onmessage?.({ data: JSON.stringify({ type: 'log', stage: i < TOTAL / 2 ? 'rootfs' : 'disk', stream: 'stdout', line, seq: i, time: '' }), lastEventId: String(i) });
    }
    if (end < TOTAL) setTimeout(() => this.play(end + 1), 0);
    else this.onmessage?.({ data: JSON.stringify({ type: 'state', state: 'succeeded', seq: TOTAL + 1, time: '' }), lastEventId: String(TOTAL + 1) });
  }
  close() { this.readyState = 2; }
}
window.EventSource = StreamingEventSource;

function Bench() {
  const { log } = useBuildEvents('bench', () => { bench.done = performance.now(); });
  return <LogViewer lines={log.lines} live={!log.ended} downloadUrl="#" height={600} />;
}

const frame = (t) => { bench.frames.push(t); requestAnimationFrame(frame); };
requestAnimationFrame(frame);
createRoot(document.getElementById('root')).render(<QueryClientProvider client={new QueryClient()}><Bench /></QueryClientProvider>);
`;

async function main(): Promise<void> {
  // inside the repo so the harness resolves the project's node_modules
  const dir = await mkdtemp(path.join(repoRoot, 'node_modules', '.cache', 'stamper-log-bench-'));
  try {
    await writeFile(
      path.join(dir, 'index.html'),
      '<!doctype html><html><body><div id="root"></div><script type="module" src="./main.tsx"></script></body></html>',
    );
    await writeFile(path.join(dir, 'main.tsx'), harness);
    const config = {
      root: dir,
      logLevel: 'warn' as const,
      plugins: [react()],
      resolve: { alias: { '@': path.join(repoRoot, 'src') } },
      build: { outDir: path.join(dir, 'dist') },
      preview: { host: '127.0.0.1', port: 0 },
    };
    // a production build: React's development checks would measure something users never run
    await build(config);
    const server = await preview(config);
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview did not start');
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(url);
      await page.waitForFunction(() => (window as unknown as { bench: { done: number } }).bench.done > 0, undefined, { timeout: 300_000 });
      // the last line is on screen (the viewer follows the end), not only in the cache
      await page.locator('.st-log__line', { hasText: `package-${LINES} ` }).waitFor({ timeout: 30_000 });
      const result = await page.evaluate(() => {
        const { started, done, frames } = (window as unknown as { bench: { started: number; done: number; frames: number[] } }).bench;
        const during = frames.filter((t) => t >= started && t <= done + 100);
        const gaps = during
          .slice(1)
          .map((t, i) => t - (during[i] as number))
          .sort((a, b) => a - b);
        return {
          seconds: (done - started) / 1000,
          frames: gaps.length,
          p95: gaps[Math.floor(gaps.length * 0.95)] ?? 0,
          max: gaps.at(-1) ?? 0,
          rendered: document.querySelectorAll('.st-log__line').length,
        };
      });
      const rate = LINES / result.seconds;
      const ok = rate >= GOAL_LINES_PER_SECOND && result.max <= MAX_FRAME_MS;
      process.stdout.write(
        [
          `log viewer: ${LINES.toLocaleString('en')} lines in ${result.seconds.toFixed(2)} s = ${Math.round(rate).toLocaleString('en')} lines/s (goal ≥ ${GOAL_LINES_PER_SECOND.toLocaleString('en')})`,
          `frames while appending: ${result.frames}, p95 ${result.p95.toFixed(1)} ms, longest ${result.max.toFixed(1)} ms (goal ≤ ${MAX_FRAME_MS} ms)`,
          `DOM rows rendered at the end: ${result.rendered} (virtualized)`,
          ok ? 'PASS' : 'FAIL',
          '',
        ].join('\n'),
      );
      process.exitCode = ok ? 0 : 1;
    } finally {
      await browser.close();
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
