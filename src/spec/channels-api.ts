import { z } from 'zod';
import { artifactSchema } from './build-events';

/** An image name as specs spell metadata.name, and a channel name: both go into URLs. */
export const channelNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'must be lower-case letters, digits and "-", starting and ending with a letter or digit');

export const channelParamsSchema = z.object({ image: channelNameSchema, channel: channelNameSchema });
export const promoteBodySchema = z.object({ buildId: z.string().min(1).max(100) }).strict();

export const channelHistoryEntrySchema = z.object({
  action: z.enum(['promote', 'rollback']),
  fromBuild: z.string().nullable(),
  toBuild: z.string(),
  actor: z.string(),
  at: z.string(),
});
export type ChannelHistoryEntry = z.infer<typeof channelHistoryEntrySchema>;

/**
 * What a channel does on its own: when the build it points at has security updates, build
 * that build's successor and, once the successor's boot check passed, put it on
 * `promoteTo`. Nothing is ever put on a channel by a policy that does not name it.
 */
export const channelPolicySchema = z
  .object({
    whenSecurityUpdates: z.literal('build-successor'),
    promoteTo: channelNameSchema,
  })
  .strict();
export type ChannelPolicy = z.infer<typeof channelPolicySchema>;

/**
 * One act of a policy: the successor it submitted for the channel's build and what came
 * of it. `building` until the successor finishes; `promoted` only for a verified successor.
 */
export const policyRunSchema = z.object({
  fromBuild: z.string(),
  successor: z.string(),
  promoteTo: z.string(),
  /** `withdrawn`: the policy was cleared or now names another target before the successor finished. */
  outcome: z.enum(['building', 'promoted', 'not_verified', 'failed', 'withdrawn']),
  detail: z.string().nullable(),
  securityUpdates: z.number().int(),
  startedAt: z.string(),
  settledAt: z.string().nullable(),
});
export type PolicyRun = z.infer<typeof policyRunSchema>;

export const channelPolicyStateSchema = z.object({
  policy: channelPolicySchema.nullable(),
  /** Newest first, a bounded number. */
  runs: z.array(policyRunSchema),
});
export type ChannelPolicyState = z.infer<typeof channelPolicyStateSchema>;

/** What a consumer reads from a channel's stable URL: the build it points at, its versions and files. */
export const channelSchema = z.object({
  image: z.string(),
  channel: z.string(),
  buildId: z.string(),
  updatedAt: z.string(),
  kubernetesVersion: z.string(),
  release: z.string(),
  /** Each file with its SHA-256 and the channel's own download URL, which follows the channel. */
  artifacts: z.array(artifactSchema.extend({ url: z.string() })),
  history: z.array(channelHistoryEntrySchema),
  policy: channelPolicySchema.nullable(),
  policyRuns: z.array(policyRunSchema),
});
export type Channel = z.infer<typeof channelSchema>;

export const channelListSchema = z.object({ channels: z.array(channelSchema.omit({ history: true, artifacts: true, policyRuns: true })) });
export type ChannelList = z.infer<typeof channelListSchema>;
