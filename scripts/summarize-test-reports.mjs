// Adds up the JSON reports of vitest and Playwright into one closing line,
// "N passed, N failed, N skipped", and fails when a step or a test failed.
// A suite that failed before its tests ran (a hook, an import, a port in use, a web
// server that never came up) counts as one failed test: its tests were not skipped
// by choice, and a green-looking line above a broken suite is what this guards against.
// Each failed test is named with its first error line: CI keeps only the tail of the log.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export function summarize(reports) {
  const totals = { passed: 0, failed: 0, skipped: 0, brokenSuites: [], failedTests: [] };
  for (const report of reports) {
    if (report.stats && 'expected' in report.stats) {
      // Playwright: flaky tests passed on retry but still count as failures of trust.
      totals.passed += report.stats.expected;
      totals.failed += report.stats.unexpected + report.stats.flaky;
      totals.skipped += report.stats.skipped;
      for (const suite of report.suites ?? []) totals.failedTests.push(...failedPlaywrightTests(suite));
      for (const error of report.errors ?? []) {
        totals.failed += 1;
        totals.brokenSuites.push(`playwright: ${firstLine(error.message)}`);
      }
    } else if ('numPassedTests' in report) {
      totals.passed += report.numPassedTests;
      totals.failed += report.numFailedTests;
      totals.skipped += report.numPendingTests + (report.numTodoTests ?? 0);
      for (const suite of report.testResults ?? []) {
        const assertions = suite.assertionResults ?? [];
        for (const failed of assertions.filter((a) => a.status === 'failed')) {
          totals.failedTests.push(`${relative(process.cwd(), suite.name)}: ${failed.fullName}: ${firstLine(failed.failureMessages?.[0])}`);
        }
        if (suite.status !== 'failed' || assertions.some((a) => a.status === 'failed')) continue;
        totals.failed += 1;
        totals.skipped -= assertions.filter((a) => a.status === 'skipped' || a.status === 'pending').length;
        totals.brokenSuites.push(`${suite.name}: ${firstLine(suite.message)}`);
      }
    }
  }
  return totals;
}

/** Playwright nests suites (files, describe blocks) around specs, each spec with a test per project. */
function failedPlaywrightTests(suite) {
  const failed = [];
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests ?? []) {
      if (test.status !== 'unexpected' && test.status !== 'flaky') continue;
      const error = test.results?.flatMap((result) => result.errors ?? [])[0];
      failed.push(`${spec.file}:${spec.line}: ${spec.title}${test.status === 'flaky' ? ' (flaky: passed on retry)' : ''}: ${firstLine(error?.message)}`);
    }
  }
  for (const child of suite.suites ?? []) failed.push(...failedPlaywrightTests(child));
  return failed;
}

function firstLine(text) {
  return String(text ?? 'failed before its tests ran').split('\n')[0];
}

function main([dir, ...failedSteps]) {
  const reports = (existsSync(dir) ? readdirSync(dir) : []).map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')));
  const { passed, failed, skipped, brokenSuites, failedTests } = summarize(reports);
  for (const test of failedTests) console.log(`failed test: ${test}`);
  for (const suite of brokenSuites) console.log(`suite failed before its tests ran: ${suite}`);
  for (const step of failedSteps) console.log(`failed step: ${step}`);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed > 0 || failedSteps.length > 0 || passed === 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main(process.argv.slice(2)));
