import { lazy, Suspense, useState } from 'react';
import type { RevealRequest } from '@/features/spec-editor/components/spec-editor';
import type { SpecIssue } from '@/spec/validation-error';
import { formatPath } from '@/spec/validation-error';

// Monaco is ~1 MB gzip: it loads in its own chunk after the form is up.
const SpecEditor = lazy(() => import('@/features/spec-editor/components/spec-editor'));

export interface SpecEditorPanelProps {
  value: string;
  onChange: (text: string) => void;
  issues: readonly SpecIssue[];
  markers: readonly SpecIssue[];
  /** One line on whether the text is a valid spec. */
  statusText: string;
  valid: boolean;
}

export function SpecEditorPanel({ value, onChange, issues, markers, statusText, valid }: SpecEditorPanelProps) {
  const [reveal, setReveal] = useState<RevealRequest | null>(null);
  return (
    <div className="spec-editor">
      <div className="spec-editor__header">
        <h2 id="yaml-heading">YAML</h2>
        <p className={valid ? 'badge badge--ok' : 'badge badge--error'} role="status" aria-live="polite">
          {statusText}
        </p>
      </div>
      <p className="spec-editor__hint field-hint">Completion: Ctrl+Space. Tab indents; press Ctrl+M first to let Tab move focus out of the editor.</p>
      <div className="spec-editor__surface">
        <Suspense fallback={<p role="status">Loading the YAML editor…</p>}>
          <SpecEditor value={value} onChange={onChange} markers={markers} reveal={reveal} />
        </Suspense>
      </div>
      {issues.length > 0 ? (
        <section className="spec-editor__issues" aria-labelledby="yaml-issues-heading">
          <h3 id="yaml-issues-heading">Problems</h3>
          <ul>
            {issues.map((issue, i) => (
              <li key={i}>
                {issue.line ? (
                  <button type="button" className="issue-line" onClick={() => setReveal({ line: issue.line ?? 1, column: issue.column ?? 1, id: Date.now() })}>
                    Line {issue.line}:
                  </button>
                ) : null}{' '}
                {issue.path.length > 0 ? <code>{formatPath(issue.path)}</code> : null} {issue.message}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
