import { z } from 'zod';
import { buildInputSchema } from './build-inputs';
import { stageNames } from './stage-plan';

/**
 * What a build reports while it runs. The pipeline emits these, the service stores
 * them with a per-build sequence number, and the browser receives them over SSE.
 */

// The stage names come from the stage plan, the one list of stages.
export { stageNames, type StageName } from './stage-plan';

export const buildStates = ['queued', 'running', 'succeeded', 'failed', 'canceled', 'interrupted'] as const;
export type BuildState = (typeof buildStates)[number];
export const finishedStates: readonly BuildState[] = ['succeeded', 'failed', 'canceled', 'interrupted'];

export const stageStatuses = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'canceled'] as const;
export type StageStatus = (typeof stageStatuses)[number];

export const verifyCheckSchema = z.object({
  name: z.string(),
  ok: z.boolean(),
  detail: z.string(),
});
export type VerifyCheck = z.infer<typeof verifyCheckSchema>;

export const artifactSchema = z.object({
  name: z.string(),
  format: z.string(),
  sizeBytes: z.number(),
  sha256: z.string(),
});
export type ArtifactInfo = z.infer<typeof artifactSchema>;

export const publishedImageSchema = z.discriminatedUnion('provider', [
  z.object({
    provider: z.literal('aws'),
    region: z.string(),
    imageId: z.string(),
    name: z.string(),
    snapshotId: z.string().optional(),
    consoleUrl: z.string(),
  }),
  /** A containerDisk pushed to an OCI registry: the tag it was pushed under and the manifest digest that pins it. */
  z.object({
    provider: z.literal('kubevirt'),
    reference: z.string(),
    digest: z.string(),
  }),
]);
export type PublishedImage = z.infer<typeof publishedImageSchema>;
export type PublishedAmi = Extract<PublishedImage, { provider: 'aws' }>;

const stageField = z.enum(stageNames);

export const pipelineEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('stage'),
    stage: stageField,
    status: z.enum(['started', 'succeeded', 'failed', 'skipped', 'canceled']),
    durationMs: z.number().optional(),
    error: z.string().optional(),
  }),
  z.object({ type: z.literal('progress'), stage: stageField, percent: z.number().min(0).max(100), message: z.string().optional() }),
  z.object({ type: z.literal('log'), stage: stageField, stream: z.enum(['stdout', 'stderr', 'info']), line: z.string() }),
  z.object({ type: z.literal('verify'), check: verifyCheckSchema }),
  z.object({ type: z.literal('artifact'), artifact: artifactSchema }),
  z.object({ type: z.literal('published'), image: publishedImageSchema }),
  /** The image holds stand-ins for Kubernetes (the offline test repository): never a node to deploy. */
  z.object({ type: z.literal('testImage'), reason: z.string() }),
  /** The state of the sources the build installs from, read before it does (see build-inputs.ts). */
  z.object({ type: z.literal('inputs'), inputs: z.array(buildInputSchema) }),
]);

/** Said wherever a test image shows up: the release file, the build page, the CLI, the reports. */
export const TEST_IMAGE_NOTICE = 'test image — Kubernetes binaries are stand-ins; this is not a working node';
export type PipelineEvent = z.infer<typeof pipelineEventSchema>;

/** Events the service adds around the pipeline's own. */
export const serviceEventSchema = z.object({
  type: z.literal('state'),
  state: z.enum(buildStates),
  reason: z.string().optional(),
});

export const buildEventBodySchema = z.union([pipelineEventSchema, serviceEventSchema]);
export type BuildEventBody = z.infer<typeof buildEventBodySchema>;

/** A stored event: `seq` is per build, starts at 1, and is the SSE `id`. */
export type BuildEvent = BuildEventBody & { seq: number; time: string };
