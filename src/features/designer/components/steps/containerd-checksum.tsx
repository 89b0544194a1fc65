import { sha256SumUrlFor } from '@/spec/checksum-api';
import { useChecksumOrigins } from '@/features/designer/hooks/use-checksum-origins';

export interface ContainerdChecksumProps {
  tarballUrl: string;
  sha256: string;
  /** Asks the server for the checksum published beside the tarball. */
  onFetch: () => void;
  pending: boolean;
  /** The last fetch's failure for this tarball, in the server's words. */
  error: string | null;
}

const isHttpUrl = (value: string) => /^https?:\/\/[^\s/]+/.test(value);

/** Where the tarball's SHA-256 comes from: the published .sha256sum file, or the user's own. */
export function ContainerdChecksum({ tarballUrl, sha256, onFetch, pending, error }: ContainerdChecksumProps) {
  const origin = useChecksumOrigins((s) => s.origins[sha256]);
  const checksumUrl = sha256SumUrlFor(tarballUrl);
  // the server's message names the URL first; it is already in the sentence
  const why = error?.replace(/^\S+: /, '');
  return (
    <div className="checksum-origin">
      <button type="button" className="button" disabled={!isHttpUrl(tarballUrl) || pending} onClick={onFetch}>
        {pending ? 'Reading the checksum file…' : 'Get the SHA-256 from the published .sha256sum file'}
      </button>
      <p className="field-hint" role="status" aria-live="polite">
        {pending ? (
          <>Reading {checksumUrl}…</>
        ) : error ? (
          <span className="checksum-origin__error">
            Could not read {checksumUrl}: {why}. Paste the SHA-256 from the release page yourself.
          </span>
        ) : sha256 && origin ? (
          <>
            SHA-256 taken from <a href={origin}>{origin}</a>, the checksum file published beside the tarball.
          </>
        ) : sha256 ? (
          <>SHA-256 entered by hand: compare it with the one the project publishes for this tarball.</>
        ) : (
          <>Paste the tarball’s SHA-256, or get it from the .sha256sum file published beside it.</>
        )}
      </p>
    </div>
  );
}
