import { ChipListField } from '@/components/chip-list-field';
import { PackageSearch } from '@/components/package-search';
import { useEntryCheck } from '@/features/designer/hooks/use-entry-check';
import { useFieldIssues } from '@/features/designer/hooks/use-field-issues';
import { useUpdateDraft } from '@/features/designer/hooks/use-update-draft';
import { useDraftStore } from '@/stores/draft-store';

export function PackagesStep() {
  const packages = useDraftStore((s) => s.draft.spec.packages);
  const release = useDraftStore((s) => s.draft.spec.os.release);
  const issues = useFieldIssues(['spec', 'packages'], { nested: true });
  const update = useUpdateDraft();
  const checkEntry = useEntryCheck();

  const check = (name: string) => checkEntry((d) => void d.spec.packages.push(name), ['spec', 'packages', packages.length]);
  const add = (name: string) => update((d) => void d.spec.packages.push(name));

  return (
    <>
      <PackageSearch
        release={release}
        // names from the release's own index; a repeat is ignored rather than listed twice
        onAdd={(name) => {
          if (!packages.includes(name) && check(name).length === 0) add(name);
        }}
      />
      <ChipListField
        inputLabel="Package name"
        hint={
          <>
            A Debian package name, optionally pinned: <code>htop</code> or <code>htop=3.4.1-5</code>.
          </>
        }
        addLabel="Add package"
        listLabel="Extra packages"
        heading={<h3>Extra packages ({packages.length})</h3>}
        emptyText="None yet: the image gets the kernel, systemd, containerd and Kubernetes."
        values={packages}
        check={check}
        onAdd={add}
        onRemove={(i) => update((d) => void d.spec.packages.splice(i, 1))}
        listIssues={issues}
      />
    </>
  );
}
