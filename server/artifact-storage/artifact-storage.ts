import type { Readable } from 'node:stream';
import type { ArtifactRow } from '../store/build-rows.ts';
import type { RecordedArtifact } from '../store/store.ts';

/** Inclusive byte offsets, as in a Range header. */
export interface ByteSpan {
  start: number;
  end: number;
}

/** A recorded artifact's bytes where this process can read them. */
export interface StoredArtifact {
  size: number;
  read(span?: ByteSpan): Promise<Readable>;
}

/**
 * Where succeeded builds' files live for download: the builder's data directory
 * (local, the default) or object storage every replica reads (S3). The executor
 * publishes before it records a build succeeded; downloads open; deletion and
 * retention remove.
 */
export interface ArtifactStorage {
  /** For the operator's start-up line. */
  readonly description: string;
  /**
   * True when published files live elsewhere (object storage): the builder's copies go
   * once published, so no disk keeps what another process later prunes or deletes.
   */
  readonly remote: boolean;
  /** Makes a succeeded build's files readable where downloads look; throws (and leaves nothing half-stored) when it cannot. */
  publish(buildId: string, artifacts: readonly RecordedArtifact[]): Promise<void>;
  /**
   * The bytes of a recorded artifact; undefined when the row names no file this storage
   * may serve (404). Throws ServiceError `artifact_gone` when the file was there and is not.
   */
  open(artifact: ArtifactRow): Promise<StoredArtifact | undefined>;
  /** Set when downloads are answered with a redirect: a short-lived URL the client fetches itself. */
  readonly redirect?: (artifact: ArtifactRow) => Promise<string>;
  /** Removes every stored file of a build; the local output directory is the caller's, as before. */
  remove(buildId: string): Promise<void>;
}
