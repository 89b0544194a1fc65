import { useDraftStore } from '@/stores/draft-store';
import { useExportImageBuilderVarFile } from '@/features/interop/api/export-image-builder-var-file';
import { useExportPackerTemplate } from '@/features/interop/api/export-packer-template';
import { saveTextFile } from '@/lib/save-text-file';
import type { NodeImage } from '@/spec/schema';

export interface ExportMenuProps {
  /** The spec to export; defaults to the designer's last valid draft. */
  spec?: NodeImage;
}

/** Download the current spec as an image-builder var file or a Packer HCL2 template. */
export function ExportMenu({ spec }: ExportMenuProps) {
  const lastValid = useDraftStore((state) => state.lastValid);
  const current = spec ?? lastValid;
  const varFile = useExportImageBuilderVarFile();
  const packer = useExportPackerTemplate();
  const error = varFile.error ?? packer.error;

  return (
    <section className="st-interop-export" aria-labelledby="interop-export-heading">
      <h3 id="interop-export-heading">Export for Packer users</h3>
      <div className="st-button-row">
        <button
          type="button"
          className="st-button"
          disabled={varFile.isPending}
          onClick={() =>
            varFile.mutate(current, {
              onSuccess: (report) => saveTextFile(report.fileName, `${JSON.stringify(report.varFile, null, 2)}\n`, 'application/json'),
            })
          }
        >
          {varFile.isPending ? 'Exporting…' : 'Download image-builder var file'}
        </button>
        <button
          type="button"
          className="st-button"
          disabled={packer.isPending}
          onClick={() => packer.mutate(current, { onSuccess: (template) => saveTextFile(template.fileName, template.text, 'text/plain') })}
        >
          {packer.isPending ? 'Exporting…' : 'Download Packer template (HCL2)'}
        </button>
      </div>
      {varFile.data && varFile.data.notCarried.length > 0 ? (
        <div role="status">
          <p>image-builder has no variables for these fields, so the var file leaves them out:</p>
          <ul>
            {varFile.data.notCarried.map((field) => (
              <li key={field}>
                <code>{field}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {error ? <p role="alert">Export failed: {error.message}</p> : null}
    </section>
  );
}
