import { killBuildProcesses } from './process-tree.ts';
import { unmountUnder } from './work-dir-mounts.ts';

export interface BuildChildJob {
  buildId: string;
  workDir: string;
}

/**
 * For a build process: notices that the service that started it is gone and then ends
 * the build instead of leaving root tools running with nobody to record them. The
 * service's death shows as EPIPE on stdout, stdin ending, or this process being
 * reparented (kill -9 closes the pipes, but a tool holding a copy of them would keep
 * them open). `abort` lets the pipeline stop its tools itself; after `graceMs` every
 * process carrying the build's id is killed, what they mounted in the work directory
 * is unmounted, and the process exits.
 */
export function endBuildWhenParentDies(job: BuildChildJob, abort: AbortController, graceMs = 4000): { parentGone: () => boolean } {
  let gone = false;
  const parent = process.ppid;
  const onGone = (): void => {
    if (gone) return;
    gone = true;
    clearInterval(check);
    abort.abort();
    setTimeout(() => {
      killBuildProcesses(job.buildId, null);
      void unmountUnder(job.workDir).finally(() => process.exit(1));
    }, graceMs);
  };
  // Without a listener an EPIPE here is an uncaught error, and the process dies before its tools.
  process.stdout.on('error', onGone);
  process.stdout.once('close', onGone);
  process.stdin.once('end', onGone);
  process.stdin.once('close', onGone);
  const check = setInterval(() => {
    if (process.ppid !== parent) onGone();
  }, 500);
  check.unref();
  return { parentGone: () => gone };
}
