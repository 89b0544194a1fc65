import type { ReactNode } from 'react';
import { FieldFrame } from '@/components/field-frame';

export interface TextFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: ReactNode;
  issues?: readonly string[];
  placeholder?: string;
  multiline?: boolean;
  rows?: number;
  required?: boolean;
  spellCheck?: boolean;
}

export function TextField({ label, value, onChange, hint, issues, placeholder, multiline, rows = 4, required, spellCheck = false }: TextFieldProps) {
  return (
    <FieldFrame label={label} hint={hint} issues={issues}>
      {(a11y) =>
        multiline ? (
          <textarea {...a11y} value={value} rows={rows} placeholder={placeholder} spellCheck={spellCheck} onChange={(e) => onChange(e.target.value)} />
        ) : (
          <input
            {...a11y}
            type="text"
            value={value}
            placeholder={placeholder}
            required={required}
            spellCheck={spellCheck}
            autoComplete="off"
            onChange={(e) => onChange(e.target.value)}
          />
        )
      }
    </FieldFrame>
  );
}
