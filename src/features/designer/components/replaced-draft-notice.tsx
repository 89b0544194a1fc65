import { StatusMessage } from '@/components/status-message';
import { useDraftStore } from '@/stores/draft-store';

/** After an import, "use as starting point" or "New design": what happened, and a way back. */
export function ReplacedDraftNotice() {
  const replaced = useDraftStore((s) => s.replaced);
  if (!replaced) return null;
  return (
    <StatusMessage tone="info" onDismiss={() => useDraftStore.getState().dismissReplaced()}>
      {replaced.why}; the previous draft “{replaced.name}” was replaced.{' '}
      <button type="button" className="button" onClick={() => useDraftStore.getState().undoReplace()}>
        Undo: bring back “{replaced.name}”
      </button>
    </StatusMessage>
  );
}
