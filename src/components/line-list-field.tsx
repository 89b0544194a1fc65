import { useState, type ReactNode } from 'react';
import { FieldFrame } from '@/components/field-frame';

export interface LineListFieldProps {
  label: string;
  values: readonly string[];
  onChange: (values: string[]) => void;
  hint?: ReactNode;
  issues?: readonly string[];
  placeholder?: string;
  rows?: number;
}

const toLines = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** A list edited as one entry per line: plain, fast to paste into, and keyboard-friendly. */
export function LineListField({ label, values, onChange, hint, issues, placeholder, rows = 3 }: LineListFieldProps) {
  const [text, setText] = useState(values.join('\n'));
  // Keep the user's blank lines while they type; take the list from outside when it really changed.
  if (!sameList(toLines(text), values)) setText(values.join('\n'));
  return (
    <FieldFrame label={label} hint={hint ?? 'One per line.'} issues={issues}>
      {(a11y) => (
        <textarea
          {...a11y}
          value={text}
          rows={rows}
          placeholder={placeholder}
          spellCheck={false}
          onChange={(e) => {
            setText(e.target.value);
            const next = toLines(e.target.value);
            if (!sameList(next, values)) onChange(next);
          }}
        />
      )}
    </FieldFrame>
  );
}
