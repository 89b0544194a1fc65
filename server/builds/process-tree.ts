import { readdirSync, readFileSync } from 'node:fs';
import { BUILD_ID_ENV } from './build-protocol.ts';

/**
 * Finds every live process of a build by the environment variable it inherited.
 * The pipeline starts tools in process groups (and sessions) of their own, and after
 * a crash they are reparented to init, so neither the group nor the parent chain
 * finds them all; the inherited environment does.
 */
export function findBuildProcesses(buildId: string): number[] {
  const marker = `${BUILD_ID_ENV}=${buildId}`;
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (environ.split('\0').includes(marker) && !isZombie(pid)) pids.push(pid);
    } catch {
      // The process ended while we looked, or belongs to another user.
    }
  }
  return pids;
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch {
    return false;
  }
}

/** Signals a process group; a group that is already gone is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left to signal.
  }
}

export function killBuildProcesses(buildId: string, pgid: number | null): void {
  if (pgid) signalGroup(pgid, 'SIGKILL');
  for (const pid of findBuildProcesses(buildId)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Process start time in clock ticks since boot: with the pid it names a process even after pid reuse. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
