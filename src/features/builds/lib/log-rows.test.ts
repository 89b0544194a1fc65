import { describe, expect, it } from 'vitest';
import type { LogLine } from './build-log';
import { groupLogLines, lineFromHash, rowsOfGroups, searchLogLines, stepMatch, stripAnsi } from './log-rows';

const line = (number: number, stage: LogLine['stage'], text: string): LogLine => ({ number, seq: number, stage, stream: 'stdout', text });
const lines = [
  line(1, 'rootfs', 'Get:1 base'),
  line(2, 'rootfs', '\u001b[31mError\u001b[0m: boom'),
  line(3, 'disk', 'sfdisk ok'),
  line(4, 'disk', 'mkfs ERROR'),
];

describe('groupLogLines and rowsOfGroups', () => {
  it('puts a header before each stage and its lines after', () => {
    const groups = groupLogLines(lines);
    expect(groups.map((g) => g.stage)).toEqual(['rootfs', 'disk']);
    expect(rowsOfGroups(groups, new Set())).toEqual([-1, 0, 1, -2, 2, 3]);
  });

  it('hides the lines of a folded stage but keeps its header', () => {
    expect(rowsOfGroups(groupLogLines(lines), new Set(['rootfs']))).toEqual([-1, -2, 2, 3]);
  });
});

describe('searchLogLines', () => {
  it('finds lines ignoring case and ANSI colour codes', () => {
    expect(searchLogLines(lines, 'error')).toEqual([1, 3]);
    expect(searchLogLines(lines, '31m')).toEqual([]);
    expect(searchLogLines(lines, '  ')).toEqual([]);
  });

  it('strips colour codes', () => {
    expect(stripAnsi('\u001b[1;32mok\u001b[0m')).toBe('ok');
  });
});

describe('stepMatch', () => {
  it('wraps around in both directions', () => {
    expect(stepMatch(-1, 3, 1)).toBe(0);
    expect(stepMatch(-1, 3, -1)).toBe(2);
    expect(stepMatch(2, 3, 1)).toBe(0);
    expect(stepMatch(0, 3, -1)).toBe(2);
    expect(stepMatch(0, 0, 1)).toBe(-1);
  });
});

describe('lineFromHash', () => {
  it('reads #L123', () => {
    expect(lineFromHash('#L123')).toBe(123);
    expect(lineFromHash('#foo')).toBeNull();
  });
});
