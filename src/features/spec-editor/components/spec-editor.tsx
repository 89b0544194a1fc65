import { Editor, type OnMount } from '@monaco-editor/react';
import { useEffect, useRef } from 'react';
import type { SpecIssue } from '@/spec/validation-error';
import { monaco, SPEC_MODEL_URI } from '@/lib/monaco/monaco-setup';

type CodeEditor = Parameters<OnMount>[0];

export interface RevealRequest {
  line: number;
  column: number;
  /** Changes on every request, so asking for the same line twice still moves there. */
  id: number;
}

export interface SpecEditorProps {
  value: string;
  onChange: (text: string) => void;
  /** Issues to mark beyond what the JSON Schema already reports (cross-field rules). */
  markers: readonly SpecIssue[];
  /** Moves the cursor there and focuses the editor. */
  reveal?: RevealRequest | null;
}

const MARKER_OWNER = 'stamper-spec';

/** Monaco with YAML validation, completion and hover from the NodeImage JSON Schema. */
export default function SpecEditor({ value, onChange, markers, reveal }: SpecEditorProps) {
  const editorRef = useRef<CodeEditor | null>(null);

  useEffect(() => {
    const editor = editorRef.current;
    const model = editor?.getModel();
    if (!editor || !model || model.getValue() === value) return;
    // An edit (not setValue) so the change from the form joins the undo stack.
    editor.pushUndoStop();
    editor.executeEdits('designer-form', [{ range: model.getFullModelRange(), text: value }]);
    editor.pushUndoStop();
  }, [value]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(
      model,
      MARKER_OWNER,
      markers.map((issue) => ({
        severity: monaco.MarkerSeverity.Error,
        message: issue.message,
        startLineNumber: issue.line ?? 1,
        startColumn: issue.column ?? 1,
        endLineNumber: issue.endLine ?? issue.line ?? 1,
        endColumn: issue.endColumn ?? model.getLineMaxColumn(issue.endLine ?? issue.line ?? 1),
      })),
    );
  }, [markers]);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || !reveal) return;
    editor.setPosition({ lineNumber: reveal.line, column: reveal.column });
    editor.revealLineInCenter(reveal.line);
    editor.focus();
  }, [reveal]);

  const handleMount: OnMount = (editor) => {
    editorRef.current = editor;
    const model = editor.getModel();
    if (model && model.getValue() !== value) model.setValue(value);
  };

  return (
    <Editor
      height="100%"
      language="yaml"
      path={SPEC_MODEL_URI}
      defaultValue={value}
      onMount={handleMount}
      onChange={(text) => {
        if (text !== undefined) onChange(text);
      }}
      loading={<p role="status">Loading the YAML editor…</p>}
      options={{
        ariaLabel: 'NodeImage YAML',
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        tabSize: 2,
        insertSpaces: true,
        wordWrap: 'on',
        fontSize: 13,
        automaticLayout: true,
        quickSuggestions: { other: true, comments: false, strings: true },
        fixedOverflowWidgets: true,
        // A dropped file is a spec to import (the page handles it), not text to paste in.
        dropIntoEditor: { enabled: false },
      }}
    />
  );
}
