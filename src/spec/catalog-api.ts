import { z } from 'zod';

/**
 * GET /api/catalog: the server answers with it, the OpenAPI document is generated from it,
 * and the SPA parses with it, so a mismatch fails loudly at the boundary, not as odd UI.
 */
export const catalogSchema = z.object({
  releases: z.array(
    z.object({
      id: z.string(),
      distro: z.string(),
      version: z.string(),
      title: z.string(),
      containerd: z.string(),
      mirrorRequired: z.boolean(),
      buildableHere: z.boolean(),
      note: z.string().optional(),
      /** Per Kubernetes minor: can the release's own containerd run it? */
      compatibility: z.array(z.object({ kubernetesMinor: z.string(), distroRuntime: z.boolean(), reason: z.string().nullable() })),
    }),
  ),
  kubernetesMinors: z.array(
    z.object({
      minor: z.string(),
      defaultVersion: z.string(),
      containerdMinimums: z.record(z.string(), z.string()),
      crictlVersion: z.string(),
      cniVersion: z.string(),
      pauseImage: z.string(),
    }),
  ),
  outputFormats: z.array(z.object({ id: z.string(), title: z.string(), description: z.string() })),
  defaults: z.object({ release: z.string(), kubernetesMinor: z.string() }),
  /** The upstream containerd offered when a release's own is too old, and where its release files are served from. */
  upstreamContainerd: z.object({ version: z.string(), releasesUrl: z.string() }),
});
export type Catalog = z.infer<typeof catalogSchema>;
