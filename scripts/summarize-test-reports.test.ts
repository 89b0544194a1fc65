import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script with no type declarations; its shape is checked below.
import { summarize } from './summarize-test-reports.mjs';

const run = promisify(execFile);

/** A real vitest JSON report of three files: one passes, one fails in beforeAll, one in an import. */
describe('summarize-test-reports', () => {
  let dir: string;
  let report: unknown;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stamper-summary-'));
    await writeFile(join(dir, 'ok.test.ts'), "import { it, expect } from 'vitest';\nit('passes', () => expect(1).toBe(1));\n");
    await writeFile(
      join(dir, 'hook.test.ts'),
      "import { beforeAll, it, expect } from 'vitest';\nbeforeAll(() => { throw new Error('listen EADDRINUSE 127.0.0.1:8079'); });\nit('never runs', () => expect(1).toBe(1));\n",
    );
    await writeFile(join(dir, 'fails.test.ts'), "import { it, expect } from 'vitest';\nit('compares', () => expect(2).toBe(3));\n");
    await writeFile(join(dir, 'import.test.ts'), "import './missing-module.ts';\nimport { it } from 'vitest';\nit('never runs', () => {});\n");
    const out = join(dir, 'report.json');
    await run('npx', ['vitest', 'run', '--root', dir, '--reporter=json', `--outputFile.json=${out}`]).catch(() => undefined);
    report = JSON.parse(await readFile(out, 'utf8'));
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts a suite that failed before its tests ran as failed, not skipped', () => {
    const totals = summarize([report]) as { passed: number; failed: number; skipped: number; brokenSuites: string[] };
    expect(totals).toMatchObject({ passed: 1, failed: 3, skipped: 0 });
    expect(totals.brokenSuites.join('\n')).toContain('EADDRINUSE');
  });

  it('names each failed test with its file and first error line', () => {
    const { failedTests } = summarize([report]) as { failedTests: string[] };
    expect(failedTests).toHaveLength(1);
    expect(failedTests[0]).toMatch(/fails\.test\.ts: compares: AssertionError: expected 2 to be 3/);
  });

  it('counts a Playwright run whose web server never started as failed', () => {
    const playwright = {
      stats: { expected: 0, unexpected: 0, flaky: 0, skipped: 0 },
      errors: [{ message: 'Error: Timed out waiting 240000ms from config.webServer.' }],
    };
    const totals = summarize([playwright]) as { failed: number; brokenSuites: string[] };
    expect(totals.failed).toBe(1);
    expect(totals.brokenSuites[0]).toContain('webServer');
  });

  it('names a Playwright test that failed, or passed only on retry, inside nested suites', () => {
    const test = (status: string, message: string) => ({ status, results: [{ errors: [{ message }] }] });
    const playwright = {
      stats: { expected: 1, unexpected: 1, flaky: 1, skipped: 0 },
      suites: [
        {
          specs: [{ title: 'passes', file: 'a.spec.ts', line: 3, tests: [test('expected', '')] }],
          suites: [
            {
              specs: [
                { title: 'breaks', file: 'a.spec.ts', line: 9, tests: [test('unexpected', 'Error: locator not found\nat line')] },
                { title: 'wobbles', file: 'a.spec.ts', line: 20, tests: [test('flaky', 'Timeout 5000ms')] },
              ],
            },
          ],
        },
      ],
    };
    const { failedTests } = summarize([playwright]) as { failedTests: string[] };
    expect(failedTests).toEqual(['a.spec.ts:9: breaks: Error: locator not found', 'a.spec.ts:20: wobbles (flaky: passed on retry): Timeout 5000ms']);
  });
});
