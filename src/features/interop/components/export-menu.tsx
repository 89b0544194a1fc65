import { useDraftStore } from '@/stores/draft-store';
import { useExportImageBuilderVarFile } from '@/features/interop/api/export-image-builder-var-file';
import { useExportPackerTemplate } from '@/features/interop/api/export-packer-template';
import { saveTextFile } from '@/lib/save-text-file';
import { describeIssue } from '@/spec/issue-labels';

/**
 * Download the spec on screen as an image-builder var file or a Packer HCL2 template. Made
 * from the editor's text itself; while that text has a problem the exports are off and say
 * why, since exporting some earlier ("last valid") spec would hand over a different image.
 */
export function ExportMenu() {
  const yamlText = useDraftStore((s) => s.yamlText);
  const name = useDraftStore((s) => s.draft.metadata.name);
  const status = useDraftStore((s) => s.status);
  const issues = useDraftStore((s) => s.issues);
  const varFile = useExportImageBuilderVarFile();
  const packer = useExportPackerTemplate();
  const error = varFile.error ?? packer.error;
  const blocked = status !== 'valid';
  const first = issues[0];

  return (
    <section className="st-interop-export" aria-labelledby="interop-export-heading">
      <h3 id="interop-export-heading">Export for Packer users</h3>
      {blocked ? (
        <p className="st-notice" id="export-blocked-reason">
          Export is off until the spec has no problems ({issues.length} now)
          {first ? `; the first: ${describeIssue(first)}` : ''}. “Export YAML as is” at the top saves the text with its problems.
        </p>
      ) : null}
      <div className="st-button-row">
        <button
          type="button"
          className="st-button"
          disabled={blocked || varFile.isPending}
          aria-describedby={blocked ? 'export-blocked-reason' : undefined}
          onClick={() =>
            varFile.mutate(yamlText, {
              onSuccess: (report) => saveTextFile(report.fileName, `${JSON.stringify(report.varFile, null, 2)}\n`, 'application/json'),
            })
          }
        >
          {varFile.isPending ? 'Exporting…' : 'Download image-builder var file'}
        </button>
        <button
          type="button"
          className="st-button"
          disabled={blocked || packer.isPending}
          aria-describedby={blocked ? 'export-blocked-reason' : undefined}
          onClick={() => packer.mutate({ specYaml: yamlText, name }, { onSuccess: (template) => saveTextFile(template.fileName, template.text, 'text/plain') })}
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
