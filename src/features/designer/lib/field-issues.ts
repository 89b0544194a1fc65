import { formatPath, type SpecIssue } from '@/spec/validation-error';

type Path = readonly (string | number)[];

const startsWith = (path: Path, prefix: Path) => prefix.length <= path.length && prefix.every((part, i) => path[i] === part);

/**
 * The messages a form field shows for `path`. With `nested`, issues deeper down
 * (a list item, a record key) are included too, named relative to the field so
 * "item 2: must be a package name" says which entry is wrong.
 */
export function fieldIssueMessages(issues: readonly SpecIssue[], path: Path, options: { nested?: boolean } = {}): string[] {
  const messages = new Set<string>();
  for (const issue of issues) {
    if (issue.path.length === path.length && startsWith(issue.path, path)) messages.add(issue.message);
    else if (options.nested && startsWith(issue.path, path)) {
      const rest = issue.path.slice(path.length);
      // Chip lists and line lists alike: "item 2", counted from 1 as the user counts.
      const where = typeof rest[0] === 'number' ? `item ${rest[0] + 1}${rest.length > 1 ? ` (${formatPath(rest.slice(1))})` : ''}` : formatPath(rest);
      // A record key's rule already names the key ('key "x" must be …'): saying it twice reads as a stutter.
      const named = rest.length === 1 && typeof rest[0] === 'string' && issue.message.includes(`"${rest[0]}"`);
      messages.add(named ? issue.message : `${where}: ${issue.message}`);
    }
  }
  return [...messages];
}

/** Issues no field on the form shows, so a summary can list them. */
export function unplacedIssues<T extends SpecIssue>(issues: readonly T[], fieldPaths: readonly Path[]): T[] {
  return issues.filter((issue) => !fieldPaths.some((path) => startsWith(issue.path, path)));
}
