import { z } from 'zod';
import { pipelineEventSchema } from '../../src/spec/build-events.ts';

/**
 * What a build process writes on stdout, one JSON object per line. The parent
 * validates every line: a stray print in a stage must not corrupt the event log.
 */
export const buildProcessMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('event'), event: pipelineEventSchema }),
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

/** What the parent sends on stdin (one line); stdin then stays open until the parent goes away. */
export const buildJobSchema = z.object({
  buildId: z.string(),
  buildKey: z.string(),
  spec: z.record(z.string(), z.unknown()),
  workDir: z.string(),
  outDir: z.string(),
  cacheDir: z.string(),
  keyDir: z.string(),
});
export type BuildJobMessage = z.infer<typeof buildJobSchema>;

/** Every process of a build carries this, so leftovers can be found even after they left the process group. */
export const BUILD_ID_ENV = 'STAMPER_BUILD_ID';
