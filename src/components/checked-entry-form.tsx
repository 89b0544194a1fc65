import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { FieldIssues } from '@/components/field-issues';

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
  const id = useId();
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const describedBy = [hint ? `${id}-hint` : null, problems.length > 0 ? `${id}-issues` : null].filter(Boolean).join(' ') || undefined;

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
    <form className={problems.length > 0 ? 'entry-form field--invalid' : 'entry-form'} onSubmit={submit} aria-label={addLabel}>
      <label htmlFor={id}>{inputLabel}</label>
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      <div className="entry-form__row">
        <input
          id={id}
          type="text"
          value={text}
          placeholder={placeholder}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={problems.length > 0}
          aria-describedby={describedBy}
          onChange={(e) => {
            setText(e.target.value);
            if (problems.length > 0) setProblems([]);
          }}
        />
        <button type="submit" className="button">
          {addLabel}
        </button>
      </div>
      <FieldIssues id={`${id}-issues`} messages={problems} />
    </form>
  );
}
