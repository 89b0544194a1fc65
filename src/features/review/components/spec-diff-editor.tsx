import { DiffEditor, type Monaco } from '@monaco-editor/react';
import type { editor as MonacoEditor } from 'monaco-editor';
import '@/lib/monaco/monaco-setup';
import { defineReviewTheme, REVIEW_THEME } from '../lib/review-theme';

interface SpecDiffEditorProps {
  original: string;
  modified: string;
  originalId: string;
  modifiedId: string;
}

// tall enough for both specs without inner scrolling, within reason
const diffHeight = (a: string, b: string) => Math.min(720, Math.max(200, Math.max(a.split('\n').length, b.split('\n').length) * 19 + 30));

/**
 * Names one side of the diff for screen readers, and names it again whenever Monaco resets it.
 * The diff editor re-derives its inner editors' options (e.g. when a narrow window switches it
 * to inline and back) and then drops the label (Monaco 0.52), leaving an unnamed textbox.
 */
function keepAriaLabel(inner: MonacoEditor.ICodeEditor, monaco: Monaco, label: string): void {
  const apply = () => {
    if (inner.getOption(monaco.editor.EditorOption.ariaLabel) !== label) inner.updateOptions({ ariaLabel: label });
  };
  apply();
  inner.onDidChangeConfiguration((event) => {
    if (event.hasChanged(monaco.editor.EditorOption.ariaLabel)) apply();
  });
}

/** Two specs side by side with Monaco's diff editor, read-only. */
export default function SpecDiffEditor({ original, modified, originalId, modifiedId }: SpecDiffEditorProps) {
  const originalLabel = `Spec of build A (${originalId}), read-only`;
  const modifiedLabel = `Spec of build B (${modifiedId}), read-only`;
  return (
    <div className="st-editor-frame" style={{ height: diffHeight(original, modified) }} data-testid="spec-diff">
      <DiffEditor
        height="100%"
        language="yaml"
        theme={REVIEW_THEME}
        beforeMount={defineReviewTheme}
        onMount={(editor, monaco) => {
          keepAriaLabel(editor.getOriginalEditor(), monaco, originalLabel);
          keepAriaLabel(editor.getModifiedEditor(), monaco, modifiedLabel);
        }}
        original={original}
        modified={modified}
        originalModelPath={`file:///stamper/diff/${originalId}-a.yaml`}
        modifiedModelPath={`file:///stamper/diff/${modifiedId}-b.yaml`}
        options={{
          readOnly: true,
          originalEditable: false,
          originalAriaLabel: originalLabel,
          modifiedAriaLabel: modifiedLabel,
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
