import { useCallback } from 'react';
import type { NodeImage } from '@/spec/schema';
import { useDraftStore } from '@/stores/draft-store';

/** Edits the draft by mutating a copy, so field handlers stay one line each. */
export function useUpdateDraft(): (edit: (draft: NodeImage) => void) => void {
  return useCallback((edit) => {
    const next = structuredClone(useDraftStore.getState().draft);
    edit(next);
    useDraftStore.getState().setFromForm(next);
  }, []);
}
