import { keyDir } from '../builds/build-dirs.ts';

/** Where a process finds the key that signs build checksums, and whether it may make one there. */
export interface SigningKeyDir {
  path: string;
  /**
   * False for STAMPER_SIGNING_KEY_DIR: every API replica and worker shares that key, so one
   * made by a single process (or in a read-only Secret mount) would sign with a key the
   * others do not serve.
   */
  create: boolean;
}

/** The configured shared key dir, else the data dir's own, as before scale-out. */
export function signingKeyDir(config: { dataDir: string; signingKeyDir?: string | undefined }): SigningKeyDir {
  return config.signingKeyDir ? { path: config.signingKeyDir, create: false } : { path: keyDir(config.dataDir), create: true };
}
