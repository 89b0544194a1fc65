import { describe, expect, it } from 'vitest';
import type { LogLine } from './build-log';
import { explainFailure } from './explain-failure';

const line = (n: number, stage: LogLine['stage'], text: string): LogLine => ({ number: n, seq: n, stage, stream: 'stderr', text });

describe('explainFailure', () => {
  it('names the stage, shows its last lines and explains a missing package', () => {
    const lines = [line(1, 'rootfs', 'I: running apt-get update'), line(2, 'rootfs', 'E: Unable to locate package no-such-pkg'), line(3, 'disk', 'never')];
    const result = explainFailure({ failedStage: 'rootfs', error: 'mmdebstrap exited with 1', lines, verify: [] });
    expect(result.stage).toBe('rootfs');
    expect(result.headline).toContain('Base system failed');
    expect(result.hint).toContain('"no-such-pkg" does not exist');
    expect(result.lastLines.map((l) => l.number)).toEqual([1, 2]);
  });

  it('falls back to the failed boot checks', () => {
    const result = explainFailure({
      failedStage: 'verify',
      error: null,
      lines: [],
      verify: [
        { name: 'kubelet enabled', ok: false, detail: 'disabled' },
        { name: 'swap off', ok: true, detail: '' },
      ],
    });
    expect(result.failedChecks).toHaveLength(1);
    expect(result.hint).toContain('kubelet enabled (disabled)');
  });
});

describe('explainFailure without lines of its own', () => {
  it('shows the lines before the failure and explains an unreachable repository', () => {
    const result = explainFailure({ failedStage: 'kubernetes', error: 'kubernetes: fetch failed', lines: [line(1, 'rootfs', 'base tree ready')], verify: [] });
    expect(result.lastLines.map((l) => l.text)).toEqual(['base tree ready']);
    expect(result.hint).toContain('could not reach a repository');
  });
});
