import { useId, useState, type FormEvent } from 'react';
import { FieldIssues } from '@/components/field-issues';
import { PackageSearch } from '@/components/package-search';
import { useFieldIssues } from '@/features/designer/hooks/use-field-issues';
import { useUpdateDraft } from '@/features/designer/hooks/use-update-draft';
import { useDraftStore } from '@/stores/draft-store';

export function PackagesStep() {
  const packages = useDraftStore((s) => s.draft.spec.packages);
  const release = useDraftStore((s) => s.draft.spec.os.release);
  const issues = useFieldIssues(['spec', 'packages'], { nested: true });
  const update = useUpdateDraft();
  const [name, setName] = useState('');
  const id = useId();

  const add = (packageName: string) => {
    const trimmed = packageName.trim();
    if (!trimmed || packages.includes(trimmed)) return;
    update((d) => void d.spec.packages.push(trimmed));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add(name);
    setName('');
  };

  return (
    <>
      <PackageSearch release={release} onAdd={add} />
      <form className="inline-form" onSubmit={submit} aria-label="Add a package by name">
        <div className="field">
          <label htmlFor={`${id}-name`}>Package name</label>
          <p id={`${id}-hint`} className="field-hint">
            A Debian package name, optionally pinned: <code>htop</code> or <code>htop=3.4.1-5</code>.
          </p>
          <input
            id={`${id}-name`}
            type="text"
            value={name}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={`${id}-hint`}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <button type="submit" className="button">
          Add package
        </button>
      </form>
      <section aria-labelledby={`${id}-list`}>
        <h3 id={`${id}-list`}>Extra packages ({packages.length})</h3>
        {packages.length === 0 ? <p className="muted">None yet: the image gets the kernel, systemd, containerd and Kubernetes.</p> : null}
        <ul className="chip-list" aria-describedby={issues.length > 0 ? `${id}-issues` : undefined}>
          {packages.map((pkg, i) => (
            <li key={`${pkg}-${i}`} className="chip">
              <span>{pkg}</span>
              <button type="button" className="chip__remove" aria-label={`Remove ${pkg}`} onClick={() => update((d) => void d.spec.packages.splice(i, 1))}>
                ×
              </button>
            </li>
          ))}
        </ul>
        <FieldIssues id={`${id}-issues`} messages={issues} />
      </section>
    </>
  );
}
