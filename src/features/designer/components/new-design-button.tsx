import { useId, useRef } from 'react';
import { useDraftStore } from '@/stores/draft-store';

/** "New design": asks first, then starts from the defaults; the replaced draft can be brought back. */
export function NewDesignButton() {
  const dialog = useRef<HTMLDialogElement>(null);
  const name = useDraftStore((s) => s.draft.metadata.name);
  const id = useId();
  const close = () => dialog.current?.close();
  return (
    <>
      <button type="button" className="button" onClick={() => dialog.current?.showModal()}>
        New design
      </button>
      {/* A native modal dialog: focus moves in and stays, Escape closes it, the page behind is inert. */}
      <dialog ref={dialog} className="confirm-dialog" aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`}>
        <h2 id={`${id}-title`}>Start a new design?</h2>
        <p id={`${id}-body`}>The current draft “{name}” is replaced by the defaults, YAML comments included. You can undo this right after.</p>
        <div className="confirm-dialog__actions">
          {/* First, so it has focus when the dialog opens: Enter never discards work by accident. */}
          <button type="button" className="button" onClick={close} autoFocus>
            Keep editing
          </button>
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              close();
              useDraftStore.getState().startNew();
            }}
          >
            Start new design
          </button>
        </div>
      </dialog>
    </>
  );
}
