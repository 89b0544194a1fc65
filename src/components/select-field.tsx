import type { ReactNode } from 'react';
import { FieldFrame } from '@/components/field-frame';

export interface SelectOption {
  value: string;
  label: string;
}

export interface SelectFieldProps {
  label: string;
  value: string;
  options: readonly SelectOption[];
  onChange: (value: string) => void;
  hint?: ReactNode;
  issues?: readonly string[];
}

export function SelectField({ label, value, options, onChange, hint, issues }: SelectFieldProps) {
  return (
    <FieldFrame label={label} hint={hint} issues={issues}>
      {(a11y) => (
        <select {...a11y} value={value} onChange={(e) => onChange(e.target.value)}>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}
