import { z } from 'zod';
import { manifestTargets } from './manifest-input';

/** GET /api/builds/:id/manifests: the drop-in Cluster API snippets of a finished build. */
export const dropInManifestSchema = z.object({
  target: z.enum(manifestTargets),
  kinds: z.array(z.string()),
  apiVersions: z.array(z.string()),
  yaml: z.string(),
  notes: z.array(z.string()),
});

export const dropInManifestsResponseSchema = z.object({ manifests: z.array(dropInManifestSchema) });
export type DropInManifestsResponse = z.infer<typeof dropInManifestsResponseSchema>;
