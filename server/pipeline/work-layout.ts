import { join } from 'node:path';

/**
 * Where each stage leaves its work in the build's work directory. Stages share these
 * paths through this module only, never by importing each other.
 */

/** The image's root filesystem, from rootfs on; disk reads it. */
export const treeDir = (workDir: string): string => join(workDir, 'tree');

/** The partitioned raw disk the disk stage writes; formats, verify and publish read it. */
export const rawDiskPath = (workDir: string): string => join(workDir, 'disk.raw');

/** What a build adds to the shared cache, laid out like it; the service adopts it after the build. */
export const cacheOutDir = (workDir: string): string => join(workDir, 'cache-out');
