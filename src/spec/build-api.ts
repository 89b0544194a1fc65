import { z } from 'zod';
import { buildInputSchema, inputChangeSchema } from './build-inputs';
import { artifactSchema, buildStates, publishedImageSchema, stageNames, stageStatuses, verifyCheckSchema } from './build-events';

/** Shapes of the build API's JSON, shared by the server (responses, OpenAPI) and the SPA (parsing). */

export const stageRecordSchema = z.object({
  name: z.enum(stageNames),
  status: z.enum(stageStatuses),
  progress: z.number(),
  message: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
});
export type StageRecord = z.infer<typeof stageRecordSchema>;

/** Counts of the packages a rebuild would update (see updates-api.ts for the table). */
export const updateCountsSchema = z.object({ count: z.number(), security: z.number(), checkedAt: z.string() });
export type UpdateCounts = z.infer<typeof updateCountsSchema>;

export const buildSummarySchema = z.object({
  id: z.string(),
  buildKey: z.string(),
  name: z.string(),
  state: z.enum(buildStates),
  kubernetesVersion: z.string(),
  release: z.string(),
  formats: z.array(z.string()),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  failedStage: z.string().nullable(),
  queuePosition: z.number().nullable(),
  deleted: z.boolean(),
  /** The newest updates check of a finished build; null before the first. */
  updates: updateCountsSchema.nullable().optional(),
});
export type BuildSummary = z.infer<typeof buildSummarySchema>;

export const buildDetailSchema = buildSummarySchema.extend({
  /** The spec as submitted, parsed and with defaults applied. */
  spec: z.record(z.string(), z.unknown()),
  specYaml: z.string(),
  stages: z.array(stageRecordSchema),
  verify: z.array(verifyCheckSchema),
  artifacts: z.array(artifactSchema.extend({ url: z.string() })),
  published: z.array(publishedImageSchema),
  /** Set when the Kubernetes packages came from the stand-in repository. */
  testImage: z.object({ reason: z.string() }).nullable().optional(),
  lastEventSeq: z.number(),
  /** The state of every source the build installed from (apt release files, binary checksums). */
  inputs: z.array(buildInputSchema).optional(),
  /** SHA-256 over the build key and the inputs: equal only for the same spec built from the same inputs. */
  inputsKey: z.string().nullable().optional(),
  /** The build this one rebuilt, and the newest build that rebuilt this one. */
  supersedes: z.string().nullable().optional(),
  supersededBy: z.string().nullable().optional(),
  /** Who submitted it (a token's subject or a signed-in user); null for builds from before sign-in existed. */
  submittedBy: z.string().nullable().optional(),
  /**
   * The process that ran it (host/pid/start time, as GET /api/workers lists workers); for a
   * build interrupted because its worker was lost, the process that recorded that.
   */
  worker: z.string().nullable().optional(),
  /** The build this one retried (by a user, or by the queue after a lost worker). */
  retryOf: z.string().nullable().optional(),
});
export type BuildDetail = z.infer<typeof buildDetailSchema>;

export const buildListSchema = z.object({
  items: z.array(buildSummarySchema),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type BuildList = z.infer<typeof buildListSchema>;

/** A reused build whose sources have moved on since it was built: a rebuild would differ. */
export const staleSchema = z.object({
  changed: z.array(inputChangeSchema),
  updates: updateCountsSchema.nullable(),
});
export type Stale = z.infer<typeof staleSchema>;

export const createBuildResponseSchema = z.object({ build: buildDetailSchema, reused: z.boolean(), stale: staleSchema.optional() });
export type CreateBuildResponse = z.infer<typeof createBuildResponseSchema>;

/** Error body of every 4xx/5xx: a stable code, words for people, and spec issues where there are some. */
export const apiErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  issues: z
    .array(
      z.object({
        path: z.array(z.union([z.string(), z.number()])),
        message: z.string(),
        line: z.number().optional(),
        column: z.number().optional(),
        endLine: z.number().optional(),
        endColumn: z.number().optional(),
      }),
    )
    .optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** SBOM rows the UI shows and diffs (from the SPDX document the pipeline writes). */
export const sbomPackageSchema = z.object({ name: z.string(), version: z.string(), sizeBytes: z.number().nullable() });
export type SbomPackage = z.infer<typeof sbomPackageSchema>;
