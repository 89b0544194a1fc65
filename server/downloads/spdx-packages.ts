import { z } from 'zod';
import type { SbomPackage } from '../../src/spec/build-api.ts';

const spdxDocumentSchema = z.object({
  documentDescribes: z.array(z.string()).optional(),
  packages: z
    .array(
      z.object({
        SPDXID: z.string(),
        name: z.string(),
        versionInfo: z.string().optional(),
        annotations: z.array(z.object({ comment: z.string().optional() })).optional(),
      }),
    )
    .default([]),
});

/**
 * The installed packages of an image, from the SPDX document the sbom stage writes.
 * The described package (the image itself) is left out; sizes come from the
 * `installed-size-kib=N` annotation when the pipeline recorded one.
 */
export function spdxPackages(text: string): SbomPackage[] {
  const document = spdxDocumentSchema.parse(JSON.parse(text));
  const described = new Set(document.documentDescribes ?? []);
  return document.packages
    .filter((p) => !described.has(p.SPDXID))
    .map((p) => {
      const sizeNote = p.annotations?.map((a) => /installed-size-kib=(\d+)/.exec(a.comment ?? '')).find(Boolean);
      return { name: p.name, version: p.versionInfo ?? '', sizeBytes: sizeNote?.[1] ? Number(sizeNote[1]) * 1024 : null };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
