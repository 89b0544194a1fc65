import type { Store } from '../store/store.ts';
import { buildDirs } from './build-dirs.ts';
import type { EventHub } from './event-hub.ts';
import { ownerIsDead } from './owner-id.ts';
import { killBuildProcesses } from './process-tree.ts';
import { removeBuildDir } from './remove-build-dir.ts';

const INTERRUPTED = 'the process running this build stopped unexpectedly; it was interrupted and can be retried';

/**
 * Builds left "running" by a process that no longer exists (a crash, kill -9, power
 * loss) become "interrupted": their leftover processes are killed, what their tools
 * mounted is unmounted, their scratch and partial outputs removed, and the reason is
 * the last event and the build's error. Nothing here throws: a directory that cannot
 * be removed is named in the reason and in `warn`, and the service carries on.
 * Queued builds need no help; the queue picks them up again.
 */
export async function recoverAbandonedBuilds(
  store: Store,
  hub: EventHub,
  dataDir: string,
  recoverer: string,
  warn: (message: string) => void,
): Promise<string[]> {
  const recovered: string[] = [];
  for (const row of await store.runningRows()) {
    if (!ownerIsDead(row.owner)) continue;
    // The server and its workers share the data dir and all see the same dead owner; only the
    // claim's winner kills, cleans and records. Should it die too, its own id is the dead owner next time.
    if (!(await store.claimForRecovery(row.id, row.owner, recoverer))) continue;
    try {
      killBuildProcesses(row.id, row.pgid);
      const dirs = buildDirs(dataDir, row.id);
      const problems = [...(await removeBuildDir(dirs.workDir)), ...(await removeBuildDir(dirs.outDir))];
      if (problems.length > 0) warn(`build ${row.id}: leftover files could not be removed: ${problems.join('; ')}`);
      const leftovers = problems.length > 0 ? `; its files could not all be removed: ${problems.slice(0, 5).join('; ')}` : '';
      hub.publish(row.id, await store.finish(row.id, 'interrupted', { reason: `${INTERRUPTED}${leftovers}` }));
      recovered.push(row.id);
    } catch (error) {
      warn(`build ${row.id}: recovery failed: ${error instanceof Error ? error.message : String(error)}`);
      // Handed back to its dead owner, so the next poll (here or elsewhere) tries again.
      try {
        await store.claimForRecovery(row.id, recoverer, row.owner);
      } catch {
        // the store itself fails; this process's own death will free the build
      }
    }
  }
  return recovered;
}
