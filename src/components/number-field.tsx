import { useState, type ReactNode } from 'react';
import { FieldFrame } from '@/components/field-frame';

export interface NumberFieldProps {
  label: string;
  value: number;
  onChange: (value: number) => void;
  hint?: ReactNode;
  issues?: readonly string[];
  min?: number;
  max?: number;
}

/** Commits only whole numbers; what is typed meanwhile stays in the box with a note. */
export function NumberField({ label, value, onChange, hint, issues = [], min, max }: NumberFieldProps) {
  const [text, setText] = useState(String(value));
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    // The value changed elsewhere (the YAML editor): show it instead of the stale text.
    setShown(value);
    setText(String(value));
  }
  const pending = text.trim() !== '' && !/^-?\d+$/.test(text.trim()) ? ['must be a whole number'] : text.trim() === '' ? ['is required'] : [];
  return (
    <FieldFrame label={label} hint={hint} issues={[...pending, ...issues]}>
      {(a11y) => (
        <input
          {...a11y}
          type="number"
          inputMode="numeric"
          value={text}
          min={min}
          max={max}
          step={1}
          onChange={(e) => {
            setText(e.target.value);
            if (/^-?\d+$/.test(e.target.value.trim())) {
              const next = Number.parseInt(e.target.value, 10);
              setShown(next);
              onChange(next);
            }
          }}
        />
      )}
    </FieldFrame>
  );
}
