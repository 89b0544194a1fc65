import { z } from 'zod';
import { nodeImageSchema, type NodeImage } from '@/spec/schema';
import { issuesFromZod, type SpecIssue } from '@/spec/validation-error';

/**
 * The spec's shape without its cross-field rules: data that only breaks a rule
 * (e.g. Kubernetes 1.36 with the distro runtime) still fills the form, so the
 * user sees their choice with the error beside it.
 */
const structuralSchema = nodeImageSchema.extend({ spec: z.strictObject(nodeImageSchema.shape.spec.shape) });

type Path = readonly (string | number)[];
type Container = Record<string | number, unknown>;

const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null;

function getAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const part of path) {
    if (!isContainer(node)) return undefined;
    node = node[part];
  }
  return node;
}

function setAt(root: unknown, path: Path, value: unknown): boolean {
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (!isContainer(parent) || last === undefined) return false;
  if (value === undefined) {
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete parent[last];
  } else parent[last] = value;
  return true;
}

/** Issues the spec's own rules raise that its shape alone does not. */
export function isRuleIssue(issue: SpecIssue, structuralIssues: readonly SpecIssue[]): boolean {
  const key = JSON.stringify(issue.path) + issue.message;
  return !structuralIssues.some((s) => JSON.stringify(s.path) + s.message === key);
}

export interface LenientResult {
  /** A NodeImage-shaped draft holding the user's values, valid or not; null when the data is too far off. */
  draft: NodeImage | null;
  structuralIssues: SpecIssue[];
}

/**
 * Builds the form's view of data that failed validation. Offending values are swapped
 * for the fallback's (or dropped) until the shape parses with defaults applied; then
 * the user's invalid strings and numbers are put back, so each field shows what was
 * typed next to its error rather than silently reverting.
 */
export function lenientDraft(data: unknown, fallback: NodeImage): LenientResult {
  const first = structuralSchema.safeParse(data);
  if (first.success) return { draft: first.data, structuralIssues: [] };
  const structuralIssues = issuesFromZod(first.error);
  if (!isContainer(data)) return { draft: null, structuralIssues };

  const working: unknown = structuredClone(data);
  const restore: { path: Path; value: unknown }[] = [];
  let result: ReturnType<typeof structuralSchema.safeParse> = first;
  for (let round = 0; round < 4 && !result.success; round += 1) {
    const paths = result.error.issues
      .map((issue) => issue.path.filter((p): p is string | number => typeof p !== 'symbol'))
      // Deepest and last first, so removing array items does not shift later paths.
      .sort((a, b) => b.length - a.length || JSON.stringify(b).localeCompare(JSON.stringify(a)));
    for (const path of paths) {
      const own = getAt(working, path);
      const replacement = getAt(fallback, path);
      if ((typeof own === 'string' || typeof own === 'number') && typeof own === typeof replacement) {
        restore.push({ path, value: own });
      }
      if (path.length === 0 || !setAt(working, path, structuredClone(replacement))) return { draft: null, structuralIssues };
    }
    result = structuralSchema.safeParse(working);
  }
  if (!result.success) return { draft: null, structuralIssues };
  const draft = result.data;
  for (const { path, value } of restore) {
    if (typeof getAt(draft, path) === typeof value) setAt(draft, path, value);
  }
  return { draft, structuralIssues };
}
