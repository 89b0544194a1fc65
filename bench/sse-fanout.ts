import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createBuildResponseSchema } from '../src/spec/build-api.ts';
import { scenarioSpec } from '../server/testing/test-builds.ts';
import { openSse, type SseSession } from '../server/testing/sse-client.ts';

/**
 * SSE fan-out: N clients on loopback follow one build of a server running in its own
 * process (scripted runner, ~5,000 events). Prints delivered events per second and
 * checks that every client received every event exactly once, in order.
 * Usage: node --import tsx bench/sse-fanout.ts [clients=200] [timeoutSeconds=120]
 */
const clients = Number(process.argv[2] ?? 200);
const timeoutMs = Number(process.argv[3] ?? 120) * 1000;

const root = path.resolve(import.meta.dirname, '..');
const tsx = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs');
const dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-bench-'));
const server = spawn(process.execPath, ['--import', tsx, path.join(root, 'server/testing/serve-scripted.ts'), '--port', '0', '--data-dir', dataDir], {
  stdio: ['ignore', 'pipe', 'inherit'],
});

async function serverPort(): Promise<number> {
  for await (const line of createInterface({ input: server.stdout })) return (JSON.parse(line) as { port: number }).port;
  throw new Error('server did not start');
}

async function main(): Promise<number> {
  const base = `http://127.0.0.1:${await serverPort()}`;
  const created = await fetch(`${base}/api/builds`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: scenarioSpec('flood', 200) });
  const id = createBuildResponseSchema.parse(await created.json()).build.id;

  const started = performance.now();
  const sessions: SseSession[] = await Promise.all(Array.from({ length: clients }, () => openSse(`${base}/api/builds/${id}/events`)));
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
  const outcome = await Promise.race([Promise.all(sessions.map((s) => s.ended)).then(() => 'done' as const), timeout]);
  const seconds = (performance.now() - started) / 1000;
  sessions.forEach((s) => s.close());

  const finalSeq = Math.max(...sessions.map((s) => Number(s.messages.at(-1)?.id ?? 0)));
  const broken = sessions.filter((s) => s.messages.length !== finalSeq || s.messages.some((m, i) => Number(m.id) !== i + 1));
  const delivered = sessions.reduce((sum, s) => sum + s.messages.length, 0);
  const lastState = sessions[0]?.messages.at(-1)?.data ?? '';

  console.log(`clients:              ${clients}`);
  console.log(`events per build:     ${finalSeq}`);
  console.log(`events delivered:     ${delivered}`);
  console.log(`elapsed:              ${seconds.toFixed(2)} s`);
  console.log(`delivered events/s:   ${Math.round(delivered / seconds)}`);
  console.log(`exactly once, ordered: ${broken.length === 0 ? 'yes' : `NO (${broken.length} clients differ)`}`);
  if (outcome === 'timeout') console.log(`stopped after ${timeoutMs / 1000} s before every stream ended`);
  const ok = outcome === 'done' && broken.length === 0 && lastState.includes('"state":"succeeded"');
  return ok ? 0 : 1;
}

main()
  .catch((error: unknown) => {
    console.error(error);
    return 1;
  })
  .then((code) => {
    server.kill('SIGTERM');
    server.once('exit', () => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(code);
    });
  });
