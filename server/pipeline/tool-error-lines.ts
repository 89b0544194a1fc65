/**
 * The lines in a tool's output that say what went wrong: apt's and mmdebstrap's `E:` and
 * `Err:` lines and apt's fetch warnings. They are often not the last lines (apt prints
 * its summary and hints after them), so they are picked out rather than tailed.
 */
const ERROR_LINE = /^(E: |Err:\d*\s|W: (Failed to fetch|GPG error|The repository|Some index files failed))/;

export function toolErrorLines(lines: readonly string[]): string[] {
  const picked = lines.map((l) => l.trim()).filter((l) => ERROR_LINE.test(l));
  return [...new Set(picked)];
}

/** `apt-get exited with 100: E: Failed to fetch http://…  404  Not Found`. */
export function withToolErrors(message: string, lines: readonly string[]): string {
  const errors = toolErrorLines(lines);
  return errors.length > 0 ? `${message}: ${errors.join('; ')}` : message;
}
