import { describe, expect, it } from 'vitest';
import { parseSerialResults } from './serial-results';

describe('parseSerialResults', () => {
  it('collects checks among console noise', () => {
    const log = [
      '[  OK  ] Reached target multi-user.target',
      'STAMPER-VERIFY {"name": "swap-off", "ok": true, "detail": "no active swap"}',
      'localhost login: STAMPER-VERIFY {"name": "sysctls", "ok": false, "detail": "x=0 (want 1)"}',
      'STAMPER-VERIFY {"name": "garbled", "ok": tr[   12.3] audit',
      'STAMPER-VERIFY DONE 3',
    ].join('\r\n');
    const results = parseSerialResults(log);
    expect(results.done).toBe(true);
    expect(results.expectedCount).toBe(3);
    expect(results.checks).toEqual([
      { name: 'swap-off', ok: true, detail: 'no active swap' },
      { name: 'sysctls', ok: false, detail: 'x=0 (want 1)' },
    ]);
  });

  it('is not done without the final line', () => {
    expect(parseSerialResults('STAMPER-VERIFY {"name":"a","ok":true,"detail":""}').done).toBe(false);
  });
});
