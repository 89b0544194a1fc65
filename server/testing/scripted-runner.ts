import path from 'node:path';
import { ProcessBuildRunner } from '../builds/process-build-runner.ts';

export const scriptedBuildScript = path.join(import.meta.dirname, 'scripted-build-process.ts');

/** The real process runner driving the scripted child: everything but the pipeline is real. */
export const scriptedRunner = (killGraceMs = 1500) => new ProcessBuildRunner({ script: scriptedBuildScript, killGraceMs });
