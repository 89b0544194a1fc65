import { useMemo } from 'react';
import { fieldIssueMessages } from '@/features/designer/lib/field-issues';
import { useDraftStore } from '@/stores/draft-store';

/** Messages for one form field, from the draft's issues (the same ones the editor marks). */
export function useFieldIssues(path: readonly (string | number)[], options: { nested?: boolean } = {}): string[] {
  const issues = useDraftStore((s) => s.issues);
  const key = JSON.stringify(path);
  const nested = options.nested ?? false;
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `path`, which callers build inline.
  return useMemo(() => fieldIssueMessages(issues, path, { nested }), [issues, key, nested]);
}
