import { useState, type FormEvent, type ReactNode } from 'react';
import { FieldFrame } from '@/components/field-frame';

export interface CheckedEntryFormProps {
  inputLabel: string;
  addLabel: string;
  /** Problems the value would have once added; it is added only when there are none. */
  check: (value: string) => string[];
  onAdd: (value: string) => void;
  hint?: ReactNode;
  placeholder?: string;
}

/**
 * One input and an Add button. An entry the spec would reject stays in the input with the
 * reason beside it, instead of joining the list and being flagged there later.
 */
export function CheckedEntryForm({ inputLabel, addLabel, check, onAdd, hint, placeholder }: CheckedEntryFormProps) {
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<string[]>([]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = text.trim();
    const found = value ? check(value) : [`enter a ${inputLabel.toLowerCase()} first`];
    setProblems(found);
    if (found.length > 0) return;
    onAdd(value);
    setText('');
  };

  return (
    <form className="inline-form" onSubmit={submit} aria-label={addLabel}>
      <FieldFrame label={inputLabel} hint={hint} issues={problems}>
        {(a11y) => (
          <input
            {...a11y}
            type="text"
            value={text}
            placeholder={placeholder}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => {
              setText(e.target.value);
              if (problems.length > 0) setProblems([]);
            }}
          />
        )}
      </FieldFrame>
      <button type="submit" className="button">
        {addLabel}
      </button>
    </form>
  );
}
