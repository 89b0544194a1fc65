import type { z } from 'zod';

/** One problem with a spec, addressed by field path and, when the spec came as YAML, by position. */
export interface SpecIssue {
  path: (string | number)[];
  message: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export const formatPath = (path: readonly (string | number)[]): string =>
  path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');

export function issuesFromZod(error: z.ZodError): SpecIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
    message: issue.message,
  }));
}
