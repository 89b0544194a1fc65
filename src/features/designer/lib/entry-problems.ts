import { nodeImageSchema, type NodeImage } from '@/spec/schema';
import { issuesFromZod, type SpecIssue } from '@/spec/validation-error';

type Path = readonly (string | number)[];

const startsWith = (path: Path, prefix: Path) => prefix.length <= path.length && prefix.every((part, i) => path[i] === part);

function issuesOf(spec: NodeImage): SpecIssue[] {
  const result = nodeImageSchema.safeParse(spec);
  return result.success ? [] : issuesFromZod(result.error);
}

const issueKey = (issue: SpecIssue) => `${JSON.stringify(issue.path)} ${issue.message}`;

/**
 * What the spec's one schema says about a new entry before it joins the draft: `add` puts
 * it into a copy, the whole copy is validated (so cross-field rules such as a repeated user
 * name count too), and the messages under `scope` that the draft did not already have are
 * returned. Problems elsewhere, or older ones, are not the new entry's. Empty: it may join.
 */
export function entryProblems(draft: NodeImage, add: (copy: NodeImage) => void, scope: Path): string[] {
  const copy = structuredClone(draft);
  add(copy);
  const before = new Set(issuesOf(draft).map(issueKey));
  const messages = issuesOf(copy)
    .filter((issue) => startsWith(issue.path, scope) && !before.has(issueKey(issue)))
    .map((issue) => issue.message);
  return [...new Set(messages)];
}
