import { nodeImageSchema } from '../schema';
import { issuesFromZod, type SpecIssue } from '../validation-error';
import { specToYaml } from '../yaml-spec';
import type { ValueOrigin, VarFileImport } from './image-builder-var-file-import';
import type { VarFileImportResponse } from './interop-api';

export interface RejectedValue {
  /** The var-file key whose imported value the spec rejects. */
  key: string;
  issue: SpecIssue;
}

const startsWith = (path: readonly (string | number)[], prefix: readonly (string | number)[]) =>
  prefix.length <= path.length && prefix.every((part, i) => path[i] === part);

/**
 * Splits the imported spec's problems into values a var-file key brought in (so the import
 * never claims that key "carries over") and problems no key caused, such as a field image-builder
 * has no variable for (the AMI's S3 bucket). The longest matching origin names the key.
 */
export function rejectedValues(issues: readonly SpecIssue[], origins: readonly ValueOrigin[]): { rejected: RejectedValue[]; toFill: SpecIssue[] } {
  const rejected: RejectedValue[] = [];
  const toFill: SpecIssue[] = [];
  for (const issue of issues) {
    const origin = origins.filter((o) => startsWith(issue.path, o.path)).sort((a, b) => b.path.length - a.path.length)[0];
    if (origin) rejected.push({ key: origin.key, issue });
    else toFill.push(issue);
  }
  return { rejected, toFill };
}

/** The import endpoint's answer for an imported var file; `notes` adds what the server learnt from the sources. */
export function varFileImportResponse(imported: VarFileImport, notes: readonly string[] = []): VarFileImportResponse {
  const validation = nodeImageSchema.safeParse(imported.spec);
  const issues = validation.success ? [] : issuesFromZod(validation.error);
  return {
    spec: imported.spec as unknown as Record<string, unknown>,
    specYaml: specToYaml(imported.spec as unknown as Record<string, unknown>),
    unsupported: imported.unsupported,
    rejected: rejectedValues(issues, imported.origins).rejected,
    warnings: [...imported.warnings, ...notes],
    issues,
  };
}
