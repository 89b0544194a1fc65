import { z } from 'zod';
import { apiErrorSchema, sbomPackageSchema } from '../../src/spec/build-api.ts';
import { buildEventBodySchema } from '../../src/spec/build-events.ts';

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

export { catalogSchema, type Catalog } from '../../src/spec/catalog-api.ts';

export const healthSchema = z.object({ ok: z.boolean(), version: z.string(), queueLength: z.number() });

export const sbomPackagesSchema = z.array(sbomPackageSchema);

/** One `data:` frame of the build event stream: the event with its per-build seq (also the SSE id). */
export const streamedBuildEventSchema = z.intersection(buildEventBodySchema, z.object({ seq: z.number().int(), time: z.string() }));
