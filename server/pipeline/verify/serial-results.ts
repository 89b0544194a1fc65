import type { VerifyCheck } from '../events';

export const RESULT_PREFIX = 'STAMPER-VERIFY ';

export interface SerialResults {
  checks: VerifyCheck[];
  done: boolean;
  expectedCount?: number;
}

/**
 * Pulls the check lines out of a serial log. Kernel or getty output can share the
 * console, so each line is matched by its prefix anywhere in the line and malformed
 * JSON is ignored rather than trusted.
 */
export function parseSerialResults(log: string): SerialResults {
  const checks: VerifyCheck[] = [];
  let done = false;
  let expectedCount: number | undefined;
  for (const rawLine of log.split(/\r?\n/)) {
    const at = rawLine.indexOf(RESULT_PREFIX);
    if (at < 0) continue;
    const payload = rawLine.slice(at + RESULT_PREFIX.length).trim();
    const doneMatch = /^DONE (\d+)$/.exec(payload);
    if (doneMatch) {
      done = true;
      expectedCount = Number(doneMatch[1]);
      continue;
    }
    try {
      const parsed: unknown = JSON.parse(payload);
      if (isCheck(parsed)) checks.push({ name: parsed.name, ok: parsed.ok, detail: parsed.detail });
    } catch {
      // a line garbled by interleaved console output; the count check below catches losses
    }
  }
  return { checks, done, expectedCount };
}

function isCheck(value: unknown): value is VerifyCheck {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === 'string' && typeof v.ok === 'boolean' && typeof v.detail === 'string';
}

/** Boot milestones seen on the console, mapped to the verify stage's progress. */
export const BOOT_MILESTONES: [RegExp, number, string][] = [
  [/GNU GRUB|BdsDxe|Booting from Hard Disk/, 5, 'firmware and GRUB'],
  [/Linux version/, 15, 'kernel booting'],
  [/Welcome to/, 30, 'systemd starting'],
  [/Reached target.*Multi-User/, 70, 'multi-user reached; running checks'],
  [/STAMPER-VERIFY/, 85, 'checks reporting'],
];
