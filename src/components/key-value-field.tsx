import { useState, type ReactNode } from 'react';
import { FieldFrame } from '@/components/field-frame';
import { objectPropertyKeyMessage, objectPropertyKeys } from '@/spec/object-property-keys';

export interface KeyValueFieldProps {
  label: string;
  values: Readonly<Record<string, string>>;
  onChange: (values: Record<string, string>) => void;
  hint?: ReactNode;
  issues?: readonly string[];
  placeholder?: string;
}

interface Parsed {
  record: Record<string, string>;
  problems: string[];
}

function parseLines(text: string): Parsed {
  const record: Record<string, string> = {};
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq).trim();
    if (eq <= 0) problems.push(`line ${i + 1}: expected key = value`);
    // record["__proto__"] = v would set the prototype and lose the line without a word
    else if (objectPropertyKeys.has(key)) problems.push(`line ${i + 1}: ${objectPropertyKeyMessage(key)}`);
    else record[key] = line.slice(eq + 1).trim();
  });
  return { record, problems };
}

const format = (values: Readonly<Record<string, string>>) =>
  Object.entries(values)
    .map(([k, v]) => `${k} = ${v}`)
    .join('\n');

const sameRecord = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) =>
  JSON.stringify(Object.entries(a)) === JSON.stringify(Object.entries(b));

/** A string map edited as "key = value" lines, the way sysctl.conf reads. */
export function KeyValueField({ label, values, onChange, hint, issues = [], placeholder }: KeyValueFieldProps) {
  const [text, setText] = useState(() => format(values));
  const parsed = parseLines(text);
  if (!sameRecord(parsed.record, values)) setText(format(values));
  return (
    <FieldFrame label={label} hint={hint ?? 'One "key = value" per line.'} issues={[...parsed.problems, ...issues]}>
      {(a11y) => (
        <textarea
          {...a11y}
          value={text}
          rows={4}
          placeholder={placeholder}
          spellCheck={false}
          onChange={(e) => {
            setText(e.target.value);
            const next = parseLines(e.target.value).record;
            if (!sameRecord(next, values)) onChange(next);
          }}
        />
      )}
    </FieldFrame>
  );
}
