import { z } from 'zod';

/**
 * What a build was made from, beyond its spec: the state of every apt suite it installed
 * from (the release file's Date and SHA-256) and the checksums of the upstream binaries
 * it downloaded. Same spec and same inputs means the same image; a moved input means a
 * rebuild would differ.
 */

export const aptSourceRoles = ['distro-main', 'distro-updates', 'distro-security', 'kubernetes', 'extra'] as const;

export const aptInputSchema = z.object({
  kind: z.literal('apt'),
  role: z.enum(aptSourceRoles),
  name: z.string(),
  url: z.string(),
  suite: z.string(),
  components: z.array(z.string()),
  /** The release file read: InRelease, or Release where a repository has none. */
  releaseUrl: z.string(),
  /** The release file's own `Date:` field, as the archive wrote it. */
  date: z.string().nullable(),
  sha256: z.string(),
  /** `Label:`, which marks security archives (Debian-Security). */
  label: z.string().nullable(),
});
export type AptInput = z.infer<typeof aptInputSchema>;

export const binaryInputSchema = z.object({
  kind: z.literal('binary'),
  name: z.string(),
  url: z.string(),
  sha256: z.string(),
});
export type BinaryInput = z.infer<typeof binaryInputSchema>;

export const buildInputSchema = z.discriminatedUnion('kind', [aptInputSchema, binaryInputSchema]);
export type BuildInput = z.infer<typeof buildInputSchema>;

/** Identifies an input across builds: the same suite of the same repository, the same binary. */
export const inputIdentity = (input: BuildInput): string =>
  input.kind === 'apt' ? `apt ${input.url.replace(/\/+$/, '')} ${input.suite}` : `binary ${input.name} ${input.url}`;

/** One input that is not what a build recorded. */
export const inputChangeSchema = z.object({
  identity: z.string(),
  name: z.string(),
  url: z.string(),
  recorded: z.object({ date: z.string().nullable(), sha256: z.string() }).nullable(),
  current: z.object({ date: z.string().nullable(), sha256: z.string() }).nullable(),
});
export type InputChange = z.infer<typeof inputChangeSchema>;

/** Inputs whose state differs, appeared or went away between two recordings. */
export function compareInputs(recorded: readonly BuildInput[], current: readonly BuildInput[]): InputChange[] {
  const state = (input: BuildInput | undefined) => (input ? { date: input.kind === 'apt' ? input.date : null, sha256: input.sha256 } : null);
  const before = new Map(recorded.map((input) => [inputIdentity(input), input]));
  const after = new Map(current.map((input) => [inputIdentity(input), input]));
  const changes: InputChange[] = [];
  for (const identity of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(identity);
    const b = after.get(identity);
    if (a?.sha256 === b?.sha256) continue;
    const either = (b ?? a) as BuildInput;
    changes.push({ identity, name: either.name, url: either.kind === 'apt' ? either.releaseUrl : either.url, recorded: state(a), current: state(b) });
  }
  return changes;
}
