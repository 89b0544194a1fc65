import { z } from 'zod';
import { httpUrl, sha256Hex } from './field-rules';

/** `GET /api/sources/sha256sum?url=`: a published checksum file, read by the server under its source policy. */

export const sha256SumQuerySchema = z.object({
  url: httpUrl.describe('A checksum file in sha256sum format ("<hex>  <file name>"), e.g. a release tarball URL + ".sha256sum"'),
});

export const sha256SumResponseSchema = z.object({
  /** The checksum file that answered, after redirects. */
  url: z.string(),
  sha256: sha256Hex,
  /** The file name the checksum file gives for the digest. */
  fileName: z.string(),
});
export type Sha256SumResponse = z.infer<typeof sha256SumResponseSchema>;

/** Where the containerd project publishes the checksum of a release file: beside it, with ".sha256sum" added. */
export const sha256SumUrlFor = (fileUrl: string): string => `${fileUrl}.sha256sum`;
