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
  /** Whether this server refuses to queue a spec whose sources fail (operators may switch it off: STAMPER_PREFLIGHT=0). */
  enforced: z.boolean(),
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
    .describe('Comma-separated hosts the user vouches for that this server cannot see: their sources are not requested')
    .transform((s) =>
      s
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .optional(),
});

/** The host a source's URL names, as `skipPreflight` lists it: lower case, IPv6 without brackets; '' when it is no URL. */
export function sourceHost(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return '';
  }
}

/**
 * A source the operator's policy refuses (a loopback or unlisted host): skipping its check
 * would not help, since the build refuses it too. Any other failure may be this server's
 * view only, so the user may vouch for the host.
 */
export const isPolicyRefusal = (check: Pick<SourceCheck, 'error'>): boolean => check.error?.startsWith('refused by policy') ?? false;

/** A failed source in one line, as the API's refusal and the Build button both word it. */
export const describeSourceFailure = (check: Pick<SourceCheck, 'url' | 'error'>): string =>
  isPolicyRefusal(check) ? (check.error ?? '') : `${check.url}: ${check.error ?? 'failed'}`;
