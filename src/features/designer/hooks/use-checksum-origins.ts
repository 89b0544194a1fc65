import { create } from 'zustand';

interface ChecksumOrigins {
  /** digest → the checksum file it was read from, for the digests this session fetched. */
  origins: Record<string, string>;
  remember: (sha256: string, url: string) => void;
}

/**
 * Where each fetched SHA-256 came from. Kept by digest, not by field, so a digest typed or
 * pasted over it is shown as the user's own, and a step change does not forget the source.
 */
export const useChecksumOrigins = create<ChecksumOrigins>()((set) => ({
  origins: {},
  remember: (sha256, url) => set((state) => ({ origins: { ...state.origins, [sha256]: url } })),
}));
