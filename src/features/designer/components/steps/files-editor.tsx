import { CheckedEntryForm } from '@/components/checked-entry-form';
import { TextField } from '@/components/text-field';
import type { FileSpec } from '@/spec/schema';
import { useEntryCheck } from '@/features/designer/hooks/use-entry-check';
import { useFieldIssues } from '@/features/designer/hooks/use-field-issues';
import { useUpdateDraft } from '@/features/designer/hooks/use-update-draft';
import { useDraftStore } from '@/stores/draft-store';

const newFile = (path: string): FileSpec => ({ path, content: '', mode: '0644', owner: 'root:root' });

function FileCard({ file, index }: { file: FileSpec; index: number }) {
  const update = useUpdateDraft();
  const at = (field: string) => ['spec', 'files', index, field];
  const pathIssues = useFieldIssues(at('path'));
  const contentIssues = useFieldIssues(at('content'));
  const modeIssues = useFieldIssues(at('mode'));
  const ownerIssues = useFieldIssues(at('owner'));
  const edit = (change: (f: FileSpec) => void) =>
    update((d) => {
      const target = d.spec.files[index];
      if (target) change(target);
    });
  const title = file.path || `File ${index + 1}`;
  return (
    <fieldset className="group card">
      <legend>{title}</legend>
      <TextField label="Path" value={file.path} placeholder="/etc/motd" issues={pathIssues} onChange={(v) => edit((f) => void (f.path = v))} />
      <TextField label="Content" value={file.content} multiline rows={4} issues={contentIssues} onChange={(v) => edit((f) => void (f.content = v))} />
      <div className="field-row">
        <TextField label="Mode" value={file.mode} issues={modeIssues} onChange={(v) => edit((f) => void (f.mode = v))} />
        <TextField label="Owner" value={file.owner} issues={ownerIssues} onChange={(v) => edit((f) => void (f.owner = v))} />
      </div>
      <button type="button" className="button button--danger" onClick={() => update((d) => void d.spec.files.splice(index, 1))}>
        Remove {title}
      </button>
    </fieldset>
  );
}

/** Files written into the image, one card each. */
export function FilesEditor() {
  const files = useDraftStore((s) => s.draft.spec.files);
  const update = useUpdateDraft();
  const listIssues = useFieldIssues(['spec', 'files']);
  const checkEntry = useEntryCheck();
  return (
    <section className="subsection" aria-labelledby="files-heading">
      <h3 id="files-heading">Files</h3>
      {files.map((file, i) => (
        <FileCard key={i} file={file} index={i} />
      ))}
      {listIssues.length > 0 ? <p className="field-issues">{listIssues.join('; ')}</p> : null}
      <CheckedEntryForm
        inputLabel="New file path"
        addLabel="Add file"
        placeholder="/etc/motd"
        hint="Checked before the file is added; its content, mode and owner follow in the file's card."
        check={(path) => checkEntry((d) => void d.spec.files.push(newFile(path)), ['spec', 'files', files.length])}
        onAdd={(path) => update((d) => void d.spec.files.push(newFile(path)))}
      />
    </section>
  );
}
