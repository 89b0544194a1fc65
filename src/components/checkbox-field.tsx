import { useId, type ReactNode } from 'react';
import { FieldIssues } from '@/components/field-issues';

export interface CheckboxFieldProps {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: ReactNode;
  issues?: readonly string[];
  disabled?: boolean;
}

export function CheckboxField({ label, checked, onChange, hint, issues = [], disabled = false }: CheckboxFieldProps) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, issues.length > 0 ? `${id}-issues` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={issues.length > 0 ? 'field field--check field--invalid' : 'field field--check'}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-invalid={issues.length > 0}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      <FieldIssues id={`${id}-issues`} messages={issues} />
    </div>
  );
}
