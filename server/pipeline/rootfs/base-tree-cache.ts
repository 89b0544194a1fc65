import { join } from 'node:path';

/** A base tree's file name in the cache: its OS layer key. */
export const baseTreeCacheName = (key: string): string => `${key}.tar.zst`;

export const baseTreeCachePath = (cacheDir: string, key: string): string => join(cacheDir, 'base-trees', baseTreeCacheName(key));
