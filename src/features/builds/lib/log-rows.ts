import type { StageName } from '@/spec/build-events';
import type { LogLine } from './build-log';

export interface LogGroup {
  stage: StageName;
  /** Index into the lines of the group's first and one-past-last line. */
  start: number;
  end: number;
}

/** Runs of consecutive lines from one stage; stages run one after another, so one run per stage. */
export function groupLogLines(lines: readonly LogLine[]): LogGroup[] {
  const groups: LogGroup[] = [];
  let current: LogGroup | undefined;
  for (let i = 0; i < lines.length; i++) {
    const stage = (lines[i] as LogLine).stage;
    if (!current || current.stage !== stage) {
      current = { stage, start: i, end: i + 1 };
      groups.push(current);
    } else {
      current.end = i + 1;
    }
  }
  return groups;
}

/**
 * The rows the viewer renders: a header per group, then its lines unless the stage is folded.
 * One entry per visible row: `>= 0` is an index into the lines, `< 0` is the header of group
 * `-(value + 1)`. Plain numbers keep 100,000 rows cheap to rebuild on every flush; the groups
 * come in already computed, so the viewer groups once per flush however often it folds.
 */
export function rowsOfGroups(groups: readonly LogGroup[], folded: ReadonlySet<StageName>): number[] {
  const rows: number[] = [];
  groups.forEach((group, g) => {
    rows.push(-(g + 1));
    if (folded.has(group.stage)) return;
    for (let i = group.start; i < group.end; i++) rows.push(i);
  });
  return rows;
}

// eslint-disable-next-line no-control-regex -- matching the ESC byte is the point
const ansiSequence = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[()][0-9A-B]/g;

export const stripAnsi = (text: string): string => (text.includes('\u001b') ? text.replace(ansiSequence, '') : text);

/** Indices of the lines whose visible text contains the query, ignoring case. */
export function searchLogLines(lines: readonly LogLine[], query: string): number[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [];
  const matches: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (
      stripAnsi((lines[i] as LogLine).text)
        .toLowerCase()
        .includes(needle)
    )
      matches.push(i);
  }
  return matches;
}

/** Moves through matches cyclically; `direction` is +1 (next) or -1 (previous). */
export function stepMatch(current: number, count: number, direction: 1 | -1): number {
  if (count === 0) return -1;
  if (current < 0) return direction === 1 ? 0 : count - 1;
  return (current + direction + count) % count;
}

/** Reads `#L123` into a line number. */
export function lineFromHash(hash: string): number | null {
  const match = /^#L(\d+)$/.exec(hash);
  return match ? Number(match[1]) : null;
}

/**
 * How a line is coloured. mmdebstrap (like apt) writes its progress to stderr as `I: …`
 * lines: information, not a warning, so they take the info colour; `W:` and `E:` stay stderr.
 */
export function lineTone(line: Pick<LogLine, 'stream' | 'text'>): LogLine['stream'] {
  return line.stream === 'stderr' && stripAnsi(line.text).startsWith('I: ') ? 'info' : line.stream;
}
