import { useId, useRef, useState } from 'react';
import { useDraftStore } from '@/stores/draft-store';
import { useImportImageBuilderVarFile } from '@/features/interop/api/import-image-builder-var-file';
import { describeIssue, describePath } from '@/spec/issue-labels';
import { nodeImageSchema } from '@/spec/schema';
import { formatPath } from '@/spec/validation-error';
import type { VarFileImportResponse } from '@/spec/interop/interop-api';
import '@/features/interop/interop.css';

export interface ImportVarFileDialogProps {
  /** Called after the spec is in the designer, e.g. to close the surrounding dialog. */
  onLoaded?: () => void;
}

const issueKey = (issue: { path: (string | number)[]; message: string }) => `${JSON.stringify(issue.path)} ${issue.message}`;

/** What the import did with each key: not imported, imported but rejected, or left to fill in. */
function ImportReport({ result, fileName }: { result: VarFileImportResponse; fileName: string | null }) {
  const rejected = new Set(result.rejected.map((r) => issueKey(r.issue)));
  const toFill = result.issues.filter((issue) => !rejected.has(issueKey(issue)));
  const clean = result.unsupported.length === 0 && result.rejected.length === 0 && result.issues.length === 0;
  return (
    <>
      {clean ? <p>Every key in {fileName ?? 'the file'} carries over.</p> : null}
      {result.unsupported.length > 0 ? (
        <>
          <p>Not imported: these keys have no Stamper equivalent, or a value Stamper cannot honour.</p>
          <ul aria-label="Unsupported keys" className="import-report__list">
            {result.unsupported.map(({ key, reason }) => (
              <li key={key}>
                <code>{key}</code>: {reason}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {result.rejected.length > 0 ? (
        <>
          <p>Imported, but the spec rejects the value: fix these after loading.</p>
          <ul aria-label="Rejected values" className="import-report__list">
            {result.rejected.map(({ key, issue }, i) => (
              <li key={`${key}-${i}`} title={formatPath(issue.path)}>
                <code>{key}</code>: {describeIssue(issue)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {toFill.length > 0 ? (
        <>
          <p>Still to fill in after loading (image-builder has no variable for these):</p>
          <ul aria-label="Fields to fill in" className="import-report__list">
            {toFill.map((issue, i) => (
              <li key={i} title={formatPath(issue.path)}>
                {describePath(issue.path)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {result.warnings.length > 0 ? (
        <>
          <p>Notes:</p>
          <ul aria-label="Import notes" className="import-report__list">
            {result.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

/** Pick an image-builder var file, see what does not carry over, then load it into the designer. */
export function ImportVarFileDialog({ onLoaded }: ImportVarFileDialogProps) {
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const importVarFile = useImportImageBuilderVarFile();
  const result = importVarFile.data;

  const load = () => {
    if (!result) return;
    const parsed = nodeImageSchema.safeParse(result.spec);
    const why = `Imported the var file ${fileName ?? ''}`.trim();
    // An incomplete import (an AMI without its bucket) goes in as YAML, so the designer marks the fields to fix.
    if (parsed.success) useDraftStore.getState().replace(parsed.data, why);
    else useDraftStore.getState().loadText(result.specYaml, why);
    onLoaded?.();
  };

  return (
    <section className="st-interop-import" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Import an image-builder var file</h3>
      <p className="field-hint" id={`${id}-hint`}>
        The JSON file image-builder takes in <code>PACKER_VAR_FILES</code>. Nothing changes until you load it.
      </p>
      <div className="file-pick">
        <button type="button" className="button" aria-describedby={`${id}-hint`} onClick={() => fileInput.current?.click()}>
          Choose a var file…
        </button>
        <span className="file-pick__name" aria-live="polite">
          {fileName ?? 'No file chosen'}
        </span>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          className="visually-hidden"
          aria-label="Var file (JSON, as passed in PACKER_VAR_FILES)"
          tabIndex={-1}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            // cleared so choosing the same file again (after editing it) reads it again
            event.currentTarget.value = '';
            if (!file) return;
            setFileName(file.name);
            void file.text().then((text) => importVarFile.mutate({ text }));
          }}
        />
      </div>
      {importVarFile.isPending ? <p role="status">Reading {fileName}…</p> : null}
      {importVarFile.error ? <p role="alert">Import failed: {importVarFile.error.message}</p> : null}
      {result ? (
        <div className="import-report">
          <ImportReport result={result} fileName={fileName} />
          <button type="button" className="button button--primary" onClick={load}>
            Load into designer
          </button>
        </div>
      ) : null}
    </section>
  );
}
