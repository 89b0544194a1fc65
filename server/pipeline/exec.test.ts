import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecError, runProcess } from './exec';

describe('runProcess', () => {
  it('passes arguments as an array that no shell ever interprets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-test-'));
    const marker = join(dir, 'pwned');
    const hostile = `$(touch ${marker}); touch ${marker} && echo \`id\` | tee ${marker} "quoted"`;
    const result = await runProcess('printf', ['%s', hostile], { captureStdout: true });
    expect(result.stdout).toBe(hostile);
    expect(existsSync(marker)).toBe(false);
  });

  it('feeds stdin and reports lines', async () => {
    const lines: string[] = [];
    await runProcess('cat', [], { input: 'one\ntwo\n', onLine: (line) => lines.push(line) });
    expect(lines).toEqual(['one', 'two']);
  });

  it('runs a low-priority job at nice 19, in an autogroup at nice 19, and others as the runner runs', async () => {
    // the child reads stdin before it looks: stdin is written only after the priority is set
    const priority = async (lowPriority: boolean): Promise<string> =>
      (
        await runProcess('sh', ['-c', 'read go; echo "$(nice) $(cat /proc/self/autogroup 2>/dev/null)"'], { input: 'go\n', captureStdout: true, lowPriority })
      ).stdout.trim();
    const own = Number((await runProcess('nice', [], { captureStdout: true })).stdout.trim());
    expect(own).toBeLessThan(19);
    const low = await priority(true);
    expect(low).toMatch(/^19\b/);
    // Debian's kernels schedule by autogroup: the group's nice is what ranks it against other sessions
    if (existsSync('/proc/self/autogroup')) expect(low).toMatch(/ nice 19$/);
    expect(await priority(false)).toMatch(new RegExp(`^${own}\\b(?!.* nice 19)`));
  });

  it('rejects a non-zero exit with the last output lines', async () => {
    const error = await runProcess('sh', ['-c', 'echo first; echo boom >&2; exit 3']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecError);
    expect((error as ExecError).code).toBe(3);
    expect((error as ExecError).lastLines).toEqual(['first', 'boom']);
  });

  it('can resolve with the exit code instead', async () => {
    expect((await runProcess('false', [], { allowFailure: true })).code).toBe(1);
  });

  it('kills the whole process group on abort, grandchildren included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-test-'));
    const pidFile = join(dir, 'grandchild.pid');
    const controller = new AbortController();
    const started = Date.now();
    const run = runProcess('sh', ['-c', `sleep 60 & echo $! > ${pidFile}; wait`], { signal: controller.signal });
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim().length > 0);
    controller.abort();
    const error = (await run.catch((e: unknown) => e)) as ExecError;
    expect(error.reason).toBe('abort');
    expect(Date.now() - started).toBeLessThan(5000);
    const grandchild = Number(readFileSync(pidFile, 'utf8').trim());
    await waitFor(() => !isAlive(grandchild));
    expect(isAlive(grandchild)).toBe(false);
  });

  it('kills on timeout and says so', async () => {
    const error = (await runProcess('sleep', ['30'], { timeoutMs: 200 }).catch((e: unknown) => e)) as ExecError;
    expect(error.reason).toBe('timeout');
    expect(error.message).toMatch(/timed out/);
  });

  it('reports a missing program as a spawn error', async () => {
    const error = (await runProcess('/nonexistent/tool', []).catch((e: unknown) => e)) as ExecError;
    expect(error.reason).toBe('spawn');
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
