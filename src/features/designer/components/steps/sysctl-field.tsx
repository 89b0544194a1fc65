import { useState, type FormEvent } from 'react';
import { FieldFrame } from '@/components/field-frame';
import { FieldIssues } from '@/components/field-issues';
import { useEntryCheck } from '@/features/designer/hooks/use-entry-check';
import { useFieldIssues } from '@/features/designer/hooks/use-field-issues';
import { useUpdateDraft } from '@/features/designer/hooks/use-update-draft';
import { objectPropertyKeyMessage, objectPropertyKeys } from '@/spec/object-property-keys';
import { useDraftStore } from '@/stores/draft-store';

// The record's key rule words its messages as `key "…" …` (spec/field-rules recordWithKeys);
// everything else at the entry's path is about the value.
const isKeyProblem = (message: string) => message.startsWith('key "');

/** sysctl settings added one checked "key = value" pair at a time, listed as sysctl.conf reads. */
export function SysctlField() {
  const sysctl = useDraftStore((s) => s.draft.spec.sysctl);
  const issues = useFieldIssues(['spec', 'sysctl'], { nested: true });
  const update = useUpdateDraft();
  const checkEntry = useEntryCheck();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [problems, setProblems] = useState<{ key: string[]; value: string[] }>({ key: [], value: [] });
  const entries = Object.entries(sysctl);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const k = key.trim();
    const v = value.trim();
    if (!k) return setProblems({ key: ['enter a sysctl name such as net.ipv4.ip_forward'], value: [] });
    // sysctl["__proto__"] = v sets no key at all, so the schema would see nothing to refuse
    if (objectPropertyKeys.has(k)) return setProblems({ key: [objectPropertyKeyMessage(k)], value: [] });
    const found = checkEntry((d) => void (d.spec.sysctl[k] = v), ['spec', 'sysctl', k]);
    // one message per input: the first rule broken is the one to fix first
    const next = { key: found.filter(isKeyProblem).slice(0, 1), value: found.filter((m) => !isKeyProblem(m)).slice(0, 1) };
    setProblems(next);
    if (found.length > 0) return;
    update((d) => void (d.spec.sysctl[k] = v));
    setKey('');
    setValue('');
  };

  return (
    <section className="subsection" aria-labelledby="sysctl-heading">
      <h3 id="sysctl-heading">sysctl settings</h3>
      <form className="sysctl-form" onSubmit={submit} aria-label="Add a sysctl setting">
        <div className="field-row">
          <FieldFrame label="sysctl key" hint="e.g. net.ipv4.ip_forward" issues={problems.key}>
            {(a11y) => (
              <input
                {...a11y}
                type="text"
                value={key}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => {
                  setKey(e.target.value);
                  setProblems((p) => ({ ...p, key: [] }));
                }}
              />
            )}
          </FieldFrame>
          <FieldFrame label="Value" hint="e.g. 1" issues={problems.value}>
            {(a11y) => (
              <input
                {...a11y}
                type="text"
                value={value}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => {
                  setValue(e.target.value);
                  setProblems((p) => ({ ...p, value: [] }));
                }}
              />
            )}
          </FieldFrame>
        </div>
        <button type="submit" className="button">
          {key.trim() in sysctl ? 'Set sysctl' : 'Add sysctl'}
        </button>
      </form>
      {entries.length === 0 ? <p className="muted">None beyond what every Kubernetes node gets (IP forwarding, bridge netfilter).</p> : null}
      {entries.length > 0 ? (
        <ul className="chip-list" aria-label="sysctl settings" aria-describedby={issues.length > 0 ? 'sysctl-issues' : undefined}>
          {entries.map(([k, v]) => (
            <li key={k} className="chip">
              <span>
                {k} = {v}
              </span>
              <button
                type="button"
                className="chip__remove"
                aria-label={`Remove ${k}`}
                onClick={() =>
                  update((d) => {
                    const { [k]: _removed, ...rest } = d.spec.sysctl;
                    d.spec.sysctl = rest;
                  })
                }
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <FieldIssues id="sysctl-issues" messages={issues} />
    </section>
  );
}
