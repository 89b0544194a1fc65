import { writeSync } from 'node:fs';

/**
 * Where the server's log lines go (pino calls `write` once per line). A log that
 * cannot be written — a full disk behind a redirected stdout, a pipe nobody reads —
 * must neither crash the server nor hold up requests, so a line that does not fit is
 * dropped and counted, and the count is logged once writing works again.
 */
export class DroppingLogDestination {
  private dropped = 0;
  private reason = '';

  constructor(private readonly fd = 1) {}

  write(line: string): void {
    if (this.dropped > 0) {
      const notice = { level: 40, time: Date.now(), msg: `${this.dropped} log lines dropped: ${this.reason}` };
      if (!this.writeAll(`${JSON.stringify(notice)}\n`)) {
        this.dropped += 1;
        return;
      }
      this.dropped = 0;
    }
    if (!this.writeAll(line)) this.dropped += 1;
  }

  private writeAll(text: string): boolean {
    let bytes = Buffer.from(text);
    try {
      while (bytes.length > 0) bytes = bytes.subarray(writeSync(this.fd, bytes));
      return true;
    } catch (error) {
      // EAGAIN (a full non-blocking pipe) and ENOSPC/EDQUOT alike: drop, never wait or throw.
      this.reason = (error as NodeJS.ErrnoException).code ?? String(error);
      return false;
    }
  }
}
