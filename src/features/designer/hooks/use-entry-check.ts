import { useCallback } from 'react';
import type { NodeImage } from '@/spec/schema';
import { entryProblems } from '@/features/designer/lib/entry-problems';
import { useDraftStore } from '@/stores/draft-store';

type Path = readonly (string | number)[];

/** Checks a new entry against the current draft with the spec's schema (see entryProblems). */
export function useEntryCheck(): (add: (copy: NodeImage) => void, entryPath: Path) => string[] {
  return useCallback((add, entryPath) => entryProblems(useDraftStore.getState().draft, add, entryPath), []);
}
