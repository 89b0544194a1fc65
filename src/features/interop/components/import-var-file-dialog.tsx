import { useId, useState } from 'react';
import { useDraftStore } from '@/stores/draft-store';
import { useImportImageBuilderVarFile } from '@/features/interop/api/import-image-builder-var-file';
import { nodeImageSchema } from '@/spec/schema';
import { formatPath } from '@/spec/validation-error';

export interface ImportVarFileDialogProps {
  /** Called after the spec is in the designer, e.g. to close the surrounding dialog. */
  onLoaded?: () => void;
}

/** Pick an image-builder var file, see what does not carry over, then load it into the designer. */
export function ImportVarFileDialog({ onLoaded }: ImportVarFileDialogProps) {
  const inputId = useId();
  const [fileName, setFileName] = useState<string | null>(null);
  const importVarFile = useImportImageBuilderVarFile();
  const result = importVarFile.data;

  const load = () => {
    if (!result) return;
    const parsed = nodeImageSchema.safeParse(result.spec);
    // An incomplete import (an AMI without its bucket) goes in as YAML, so the designer marks the fields to fix.
    const why = `Imported the var file ${fileName ?? ''}`.trim();
    if (parsed.success) useDraftStore.getState().replace(parsed.data, why);
    else useDraftStore.getState().loadText(result.specYaml, why);
    onLoaded?.();
  };

  return (
    <section className="st-interop-import" aria-labelledby={`${inputId}-heading`}>
      <h3 id={`${inputId}-heading`}>Import an image-builder var file</h3>
      <label htmlFor={inputId}>Var file (JSON, as passed in PACKER_VAR_FILES)</label>
      <input
        id={inputId}
        type="file"
        accept=".json,application/json"
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          if (!file) return;
          setFileName(file.name);
          void file.text().then((text) => importVarFile.mutate({ text }));
        }}
      />
      {importVarFile.isPending ? <p role="status">Reading {fileName}…</p> : null}
      {importVarFile.error ? <p role="alert">Import failed: {importVarFile.error.message}</p> : null}
      {result ? (
        <div>
          {result.unsupportedKeys.length > 0 ? (
            <>
              <p>These keys have no Stamper equivalent and are not imported:</p>
              <ul aria-label="Unsupported keys">
                {result.unsupportedKeys.map((key) => (
                  <li key={key}>
                    <code>{key}</code>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>Every key in {fileName ?? 'the file'} carries over.</p>
          )}
          {result.warnings.length > 0 ? (
            <ul aria-label="Import notes">
              {result.warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          ) : null}
          {result.issues.length > 0 ? (
            <p>
              Still to fill in after loading:{' '}
              {[...new Set(result.issues.map((issue) => formatPath(issue.path)))].map((path) => (
                <code key={path}>{path} </code>
              ))}
            </p>
          ) : null}
          <button type="button" className="st-button st-button--primary" onClick={load}>
            Load into designer
          </button>
        </div>
      ) : null}
    </section>
  );
}
