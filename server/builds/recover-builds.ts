import { rmSync } from 'node:fs';
import type { BuildStore } from '../store/build-store.ts';
import { buildDirs } from './build-dirs.ts';
import type { EventHub } from './event-hub.ts';
import { ownerIsDead } from './owner-id.ts';
import { killBuildProcesses } from './process-tree.ts';

/**
 * Builds left "running" by a process that no longer exists (a crash, kill -9, power
 * loss) become "interrupted": their leftover processes are killed, their scratch and
 * partial outputs removed, and the reason is the last event. Queued builds need no
 * help; the queue picks them up again.
 */
export function recoverAbandonedBuilds(store: BuildStore, hub: EventHub, dataDir: string): string[] {
  const recovered: string[] = [];
  for (const row of store.runningRows()) {
    if (!ownerIsDead(row.owner)) continue;
    killBuildProcesses(row.id, row.pgid);
    const dirs = buildDirs(dataDir, row.id);
    rmSync(dirs.workDir, { recursive: true, force: true });
    rmSync(dirs.outDir, { recursive: true, force: true });
    const events = store.finish(row.id, 'interrupted', { reason: 'the process running this build stopped unexpectedly; it was interrupted and can be retried' });
    hub.publish(row.id, events);
    recovered.push(row.id);
  }
  return recovered;
}
