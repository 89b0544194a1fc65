import { z } from 'zod';
import { apiErrorSchema } from '../../src/spec/build-api.ts';

/**
 * Response shapes of the endpoints that are not builds (those live in src/spec/build-api.ts
 * because the SPA parses them). The OpenAPI document is generated from these too.
 */

const specIssueSchema = apiErrorSchema.shape.issues.unwrap().element;

export const specValidationSchema = z.object({
  ok: z.boolean(),
  spec: z.record(z.string(), z.unknown()).optional(),
  buildKey: z.string().optional(),
  issues: z.array(specIssueSchema),
});
export type SpecValidation = z.infer<typeof specValidationSchema>;

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
});
export type Catalog = z.infer<typeof catalogSchema>;

export const healthSchema = z.object({ ok: z.boolean(), version: z.string(), queueLength: z.number() });

export const sessionSchema = z.object({ authRequired: z.boolean(), authenticated: z.boolean() });
