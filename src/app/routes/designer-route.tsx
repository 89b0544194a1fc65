import { useCallback, useMemo, useState } from 'react';
import { SubmitBuildButton } from '@/features/builds/components/submit-build-button';
import { StatusMessage } from '@/components/status-message';
import { DesignerPage } from '@/features/designer/components/designer-page';
import { ExportMenu } from '@/features/interop/components/export-menu';
import { ImportVarFileDialog } from '@/features/interop/components/import-var-file-dialog';
import { useDraftStore } from '@/stores/draft-store';
import { ShareToolbar } from '@/features/share/components/share-toolbar';
import { SpecDropZone } from '@/features/share/components/spec-drop-zone';
import { useSharedSpecLink } from '@/features/share/hooks/use-shared-spec-link';
import { SpecEditorPanel } from '@/features/spec-editor/components/spec-editor-panel';

interface Notice {
  tone: 'info' | 'success' | 'error';
  text: string;
}

/** The editor bound to the draft store; its own component so typing re-renders only it. */
function DraftSpecEditor() {
  const yamlText = useDraftStore((s) => s.yamlText);
  const issues = useDraftStore((s) => s.issues);
  const status = useDraftStore((s) => s.status);
  const setFromYaml = useDraftStore((s) => s.setFromYaml);
  // The JSON Schema in the editor already marks syntax and field errors; add the cross-field ones.
  const markers = useMemo(() => issues.filter((issue) => issue.kind === 'rule'), [issues]);
  const statusText =
    status === 'valid'
      ? 'Valid spec'
      : status === 'invalid-yaml'
        ? 'YAML does not parse: the form keeps the last valid draft'
        : `${issues.length} problem${issues.length === 1 ? '' : 's'}`;
  return <SpecEditorPanel value={yamlText} onChange={setFromYaml} issues={issues} markers={markers} statusText={statusText} valid={status === 'valid'} />;
}

function DraftShareToolbar({ onImport, onError }: { onImport: (text: string, from: string) => void; onError: (message: string) => void }) {
  const yamlText = useDraftStore((s) => s.yamlText);
  const name = useDraftStore((s) => s.draft.metadata.name);
  const problemCount = useDraftStore((s) => (s.status === 'valid' ? 0 : Math.max(s.issues.length, 1)));
  return (
    <>
      <ShareToolbar yamlText={yamlText} fileName={name} onImport={onImport} onError={onError} problemCount={problemCount} />
      <details className="interop-import">
        <summary>Import an image-builder var file…</summary>
        <ImportVarFileDialog />
      </details>
    </>
  );
}

export function DesignerRoute() {
  const [notice, setNotice] = useState<Notice | null>(null);

  const importSpec = useCallback((text: string, from: string) => {
    useDraftStore.getState().loadText(text, `Loaded the spec from ${from}`);
    const { status, issues } = useDraftStore.getState();
    // The undo notice already says what was loaded; this one only adds what is still wrong with it.
    setNotice(
      status === 'valid'
        ? null
        : {
            tone: 'info',
            text: `Loaded ${from}, but it is not a valid spec yet (${issues.length} problem${issues.length === 1 ? '' : 's'}); the problems are listed beside the YAML.`,
          },
    );
  }, []);
  const showError = useCallback((text: string) => setNotice({ tone: 'error', text }), []);

  useSharedSpecLink({ onRestore: (text) => importSpec(text, 'the shared link'), onCorrupt: showError });

  return (
    <SpecDropZone onImport={importSpec} onError={showError}>
      <h1 className="visually-hidden">Design a node image</h1>
      {notice ? (
        <StatusMessage tone={notice.tone} onDismiss={() => setNotice(null)}>
          {notice.text}
        </StatusMessage>
      ) : null}
      <DesignerPage
        toolbar={<DraftShareToolbar onImport={importSpec} onError={showError} />}
        editor={<DraftSpecEditor />}
        // The Review step's actions slot: the builds feature owns the button and what it submits.
        reviewActions={
          <>
            <SubmitBuildButton />
            <ExportMenu />
          </>
        }
      />
    </SpecDropZone>
  );
}
