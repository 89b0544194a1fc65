import type { ReactNode } from 'react';

export interface StatusMessageProps {
  tone: 'info' | 'success' | 'error';
  children: ReactNode;
  onDismiss?: () => void;
}

/** Errors interrupt (role=alert); other news waits its turn (role=status). */
export function StatusMessage({ tone, children, onDismiss }: StatusMessageProps) {
  return (
    <div className={`status status--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="status__body">{children}</div>
      {onDismiss ? (
        <button type="button" className="button button--quiet" onClick={onDismiss} aria-label="Dismiss message">
          ×
        </button>
      ) : null}
    </div>
  );
}
