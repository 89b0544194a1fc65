import { useId, type ReactNode } from 'react';
import { CheckedEntryForm } from '@/components/checked-entry-form';
import { FieldIssues } from '@/components/field-issues';

export interface ChipListFieldProps {
  /** Names the input, e.g. "Package name". */
  inputLabel: string;
  /** Names the list of what was added, e.g. "Extra packages". */
  listLabel: string;
  addLabel: string;
  values: readonly string[];
  /** Problems a value would have in the list; the value joins only when there are none. */
  check: (value: string) => string[];
  onAdd: (value: string) => void;
  onRemove: (index: number) => void;
  hint?: ReactNode;
  placeholder?: string;
  /** Problems of entries already in the list (e.g. typed into the YAML). */
  listIssues?: readonly string[];
  emptyText?: ReactNode;
  /** Shown above the chips, e.g. a heading with the count. */
  heading?: ReactNode;
}

/** A list grown one checked entry at a time, shown as removable chips. */
export function ChipListField(props: ChipListFieldProps) {
  const { listLabel, values, check, onRemove, listIssues = [], emptyText, heading, ...form } = props;
  const id = useId();
  return (
    <div className="chip-field">
      <CheckedEntryForm {...form} check={(value) => (values.includes(value) ? [`“${value}” is already in the list`] : check(value))} />
      {heading}
      {values.length === 0 && emptyText ? <p className="muted">{emptyText}</p> : null}
      {values.length > 0 ? (
        <ul className="chip-list" aria-label={listLabel} aria-describedby={listIssues.length > 0 ? `${id}-issues` : undefined}>
          {values.map((value, i) => (
            <li key={`${value}-${i}`} className="chip">
              <span>{value}</span>
              <button type="button" className="chip__remove" aria-label={`Remove ${value}`} onClick={() => onRemove(i)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <FieldIssues id={`${id}-issues`} messages={listIssues} />
    </div>
  );
}
