import { z } from 'zod';

/** Shapes of `POST /api/preflight`, shared by the server (responses, OpenAPI) and the SPA. */

export const sourceKinds = [
  'distro-mirror',
  'distro-updates',
  'distro-security',
  'extra-repository',
  'extra-signing-key',
  'kubernetes-apt-repository',
  'kubernetes-signing-key',
  'kubernetes-binary',
  'containerd',
  'runc',
] as const;
export type SourceKind = (typeof sourceKinds)[number];

export const sourceKindTitles: Record<SourceKind, string> = {
  'distro-mirror': 'Distribution mirror',
  'distro-updates': 'Distribution updates',
  'distro-security': 'Security updates',
  'extra-repository': 'Extra apt repository',
  'extra-signing-key': 'Extra repository signing key',
  'kubernetes-apt-repository': 'Kubernetes apt repository',
  'kubernetes-signing-key': 'Kubernetes signing key',
  'kubernetes-binary': 'Kubernetes binary',
  containerd: 'containerd release',
  runc: 'runc binary',
};

export const sourceCheckSchema = z.object({
  kind: z.enum(sourceKinds),
  url: z.string(),
  ok: z.boolean(),
  /** The HTTP status when the source answered, else null. */
  status: z.number().int().nullable(),
  /** Why it failed: the HTTP status in words, the network error, or the policy refusal. */
  error: z.string().nullable(),
  /** True when the request skipped this source's host (`skipPreflight`): not checked, not held against the spec. */
  skipped: z.boolean(),
  ms: z.number(),
});
export type SourceCheck = z.infer<typeof sourceCheckSchema>;

export const preflightResponseSchema = z.object({
  ok: z.boolean(),
  sources: z.array(sourceCheckSchema),
  /** Where this server's Kubernetes stand-in repository is served, when it runs one. */
  standIn: z.object({ repository: z.string(), signingKeyUrl: z.string() }).nullable(),
});
export type PreflightResponse = z.infer<typeof preflightResponseSchema>;

/** `skipPreflight=a.example,b.example`: hosts the user vouches for that this server cannot see. */
export const skipPreflightQuerySchema = z.object({
  skipPreflight: z
    .string()
    .max(2000)
    .transform((s) =>
      s
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .optional(),
});
