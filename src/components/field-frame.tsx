import { useId, type ReactNode } from 'react';
import { FieldIssues } from '@/components/field-issues';

export interface FieldA11y {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

export interface FieldFrameProps {
  label: string;
  hint?: ReactNode;
  issues?: readonly string[];
  className?: string;
  children: (a11y: FieldA11y) => ReactNode;
}

/** Label, hint and errors around one input, wired for screen readers. */
export function FieldFrame({ label, hint, issues = [], className, children }: FieldFrameProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const issuesId = `${id}-issues`;
  const describedBy = [hint ? hintId : null, issues.length > 0 ? issuesId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', issues.length > 0 ? 'field--invalid' : '', className ?? ''].join(' ').trim()}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {children({ id, 'aria-invalid': issues.length > 0, 'aria-describedby': describedBy })}
      <FieldIssues id={issuesId} messages={issues} />
    </div>
  );
}
