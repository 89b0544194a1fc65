/** What the route plugins that keep files in the data directory are registered with (interop's signing key, the package index cache). */
export interface RouteOptions {
  /** The service's data directory (database, artifacts, keys, caches). */
  dataDir: string;
}
