import { DiffEditor } from '@monaco-editor/react';
import '@/features/spec-editor/lib/monaco-setup';

interface SpecDiffEditorProps {
  original: string;
  modified: string;
  originalId: string;
  modifiedId: string;
}

/** Two specs side by side with Monaco's diff editor, read-only. */
export default function SpecDiffEditor({ original, modified, originalId, modifiedId }: SpecDiffEditorProps) {
  return (
    <div className="st-editor-frame" style={{ height: 560 }} data-testid="spec-diff">
      <DiffEditor
        height="100%"
        language="yaml"
        original={original}
        modified={modified}
        originalModelPath={`file:///stamper/diff/${originalId}-a.yaml`}
        modifiedModelPath={`file:///stamper/diff/${modifiedId}-b.yaml`}
        options={{
          readOnly: true,
          originalEditable: false,
          renderSideBySide: true,
          // the diff should show the whole spec, not hide unchanged regions
          hideUnchangedRegions: { enabled: false },
          minimap: { enabled: false },
          scrollBeyondLastLine: false,
          fontSize: 13,
        }}
      />
    </div>
  );
}
