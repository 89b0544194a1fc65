import path from 'node:path';

/** Where a build's files live under the data dir; ids are UUIDs the server made, never user input. */
export const buildDirs = (dataDir: string, buildId: string) => ({
  workDir: path.join(dataDir, 'work', buildId),
  outDir: path.join(dataDir, 'artifacts', buildId),
});

export const keyDir = (dataDir: string) => path.join(dataDir, 'keys');

/** True when `file` resolves to a path strictly inside `dir`. */
export function isInside(dir: string, file: string): boolean {
  const relative = path.relative(path.resolve(dir), path.resolve(file));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
