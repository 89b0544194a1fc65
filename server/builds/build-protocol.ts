import { z } from 'zod';
import { pipelineEventSchema } from '../../src/spec/build-events.ts';

/**
 * A build's checksum list names a handful of artifacts; far more than that is not a
 * list to sign. The build child runs code from the spec, so everything it sends is
 * checked and bounded before the parent acts on it.
 */
export const MAX_SIGN_REQUEST_CHARS = 64 * 1024;
/** Longer stdout lines are dropped unread: no log line or event comes near this. */
export const MAX_MESSAGE_LINE_CHARS = 1024 * 1024;

/**
 * What a build process writes on stdout, one JSON object per line. The parent
 * validates every line: a stray print in a stage must not corrupt the event log.
 */
export const buildProcessMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('event'), event: pipelineEventSchema }),
  /** The sign stage asks the parent, which holds the key, to sign SHA256SUMS; the answer comes on stdin. */
  z.object({ kind: z.literal('sign'), sums: z.string().max(MAX_SIGN_REQUEST_CHARS) }),
  z.object({
    kind: z.literal('done'),
    artifacts: z.array(z.object({ name: z.string(), format: z.string(), sizeBytes: z.number(), sha256: z.string(), path: z.string() })),
  }),
  z.object({
    kind: z.literal('failed'),
    error: z.string(),
    stage: z.string().nullable(),
    lastLines: z.array(z.string()),
  }),
]);
export type BuildProcessMessage = z.infer<typeof buildProcessMessageSchema>;

/**
 * What the parent sends first on stdin (one line); stdin then stays open, carries the
 * answer to a sign request, and ends when the parent goes away. The job names no key
 * directory: the signing key never reaches the build.
 */
export const buildJobSchema = z
  .object({
    buildId: z.string(),
    buildKey: z.string(),
    spec: z.record(z.string(), z.unknown()),
    workDir: z.string(),
    outDir: z.string(),
    cacheDir: z.string(),
  })
  .strict();
export type BuildJobMessage = z.infer<typeof buildJobSchema>;

/** The parent's answer to a `sign` message: the signed list and its signature, or why it refused. */
export const signAnswerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('signed'), sums: z.string(), signature: z.string() }),
  z.object({ kind: z.literal('signRefused'), error: z.string() }),
]);
export type SignAnswer = z.infer<typeof signAnswerSchema>;

/** Every process of a build carries this, so leftovers can be found even after they left the process group. */
export const BUILD_ID_ENV = 'STAMPER_BUILD_ID';
