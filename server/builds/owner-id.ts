import { hostname } from 'node:os';
import { isAlive, processStartTime } from './process-tree.ts';

/** Names the process that runs a build: host, pid and start time (so a reused pid does not count). */
export function currentOwner(): string {
  return `${hostname()}/${process.pid}/${processStartTime(process.pid) ?? '0'}`;
}

/**
 * True when the owner is known to be gone. Owners on other hosts cannot be checked
 * from here and count as alive; their own restart recovers them.
 */
export function ownerIsDead(owner: string | null): boolean {
  if (!owner) return true;
  const [host, pidText, started] = owner.split('/');
  if (host !== hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return true;
  return processStartTime(pid) !== started;
}
