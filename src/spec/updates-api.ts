import { z } from 'zod';

/** One package of a finished image that its sources now offer in a newer version. */
export const packageUpdateSchema = z.object({
  name: z.string(),
  installed: z.string(),
  available: z.string(),
  /** The newer version comes from a security suite (Debian's -security, or a repository labelled so). */
  security: z.boolean(),
  /** Where the newer version is: the suite's name, or "catalog" for a newer Kubernetes patch. */
  source: z.string(),
});
export type PackageUpdate = z.infer<typeof packageUpdateSchema>;

/** What a rebuild of a finished build would install differently, as of `checkedAt`. */
export const buildUpdatesSchema = z.object({
  buildId: z.string(),
  checkedAt: z.string(),
  count: z.number(),
  security: z.number(),
  packages: z.array(packageUpdateSchema),
  /** Suites that could not be read this time: their updates are missing from the table. */
  unreadable: z.array(z.object({ source: z.string(), reason: z.string() })),
});
export type BuildUpdates = z.infer<typeof buildUpdatesSchema>;
