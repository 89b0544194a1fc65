import { DiffEditor } from '@monaco-editor/react';
import '@/features/spec-editor/lib/monaco-setup';
import { defineReviewTheme, REVIEW_THEME } from '../lib/review-theme';

interface SpecDiffEditorProps {
  original: string;
  modified: string;
  originalId: string;
  modifiedId: string;
}

// tall enough for both specs without inner scrolling, within reason
const diffHeight = (a: string, b: string) => Math.min(720, Math.max(200, Math.max(a.split('\n').length, b.split('\n').length) * 19 + 30));

/** Two specs side by side with Monaco's diff editor, read-only. */
export default function SpecDiffEditor({ original, modified, originalId, modifiedId }: SpecDiffEditorProps) {
  return (
    <div className="st-editor-frame" style={{ height: diffHeight(original, modified) }} data-testid="spec-diff">
      <DiffEditor
        height="100%"
        language="yaml"
        theme={REVIEW_THEME}
        beforeMount={defineReviewTheme}
        onMount={(editor) => {
          // the diff editor's own aria options do not reach its two text areas in this Monaco version
          editor.getOriginalEditor().updateOptions({ ariaLabel: `Spec of build A (${originalId}), read-only` });
          editor.getModifiedEditor().updateOptions({ ariaLabel: `Spec of build B (${modifiedId}), read-only` });
        }}
        original={original}
        modified={modified}
        originalModelPath={`file:///stamper/diff/${originalId}-a.yaml`}
        modifiedModelPath={`file:///stamper/diff/${modifiedId}-b.yaml`}
        options={{
          readOnly: true,
          originalEditable: false,
          originalAriaLabel: `Spec of build A (${originalId}), read-only`,
          modifiedAriaLabel: `Spec of build B (${modifiedId}), read-only`,
          renderSideBySide: true,
          // the diff should show the whole spec, not hide unchanged regions
          hideUnchangedRegions: { enabled: false },
          minimap: { enabled: false },
          renderFinalNewline: 'off',
          scrollBeyondLastLine: false,
          fontSize: 13,
        }}
      />
    </div>
  );
}
