/** What every route plugin is registered with. */
export interface RouteOptions {
  /** The service's data directory (database, artifacts, keys, caches). */
  dataDir: string;
}
