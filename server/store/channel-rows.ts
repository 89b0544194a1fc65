import type { SqliteDatabase } from './open-database.ts';

/** Reads of the channels table (migration 2) that code outside the channel service needs. */

/** The channels pointing at a build: it cannot be deleted while there are any. */
export function channelsOfBuild(db: SqliteDatabase, buildId: string): { image: string; channel: string }[] {
  return db.prepare('SELECT image, channel FROM channels WHERE build_id = ? ORDER BY image, channel').all(buildId) as { image: string; channel: string }[];
}

/** Every build some channel points at: retention keeps them. */
export function buildsOnChannels(db: SqliteDatabase): Set<string> {
  const rows = db.prepare('SELECT DISTINCT build_id FROM channels').all() as { build_id: string }[];
  return new Set(rows.map((row) => row.build_id));
}
