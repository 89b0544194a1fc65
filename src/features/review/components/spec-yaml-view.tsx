import { Editor } from '@monaco-editor/react';
// side effect: hands @monaco-editor/react the bundled Monaco and its workers (no CDN)
import '@/lib/monaco/monaco-setup';
import { defineReviewTheme, REVIEW_THEME } from '../lib/review-theme';

/** A build's spec in Monaco, read-only. Loaded lazily with Monaco's own chunk. */
export default function SpecYamlView({ value, id }: { value: string; id: string }) {
  return (
    <div className="st-editor-frame" style={{ height: Math.min(640, Math.max(240, value.split('\n').length * 19 + 20)) }}>
      <Editor
        height="100%"
        language="yaml"
        theme={REVIEW_THEME}
        beforeMount={defineReviewTheme}
        // its own model, so this view never shares text or markers with the designer's editor
        path={`file:///stamper/review/${id}.yaml`}
        value={value}
        options={{
          readOnly: true,
          domReadOnly: true,
          minimap: { enabled: false },
          renderFinalNewline: 'off',
          scrollBeyondLastLine: false,
          fontSize: 13,
          ariaLabel: 'Spec (read-only)',
        }}
      />
    </div>
  );
}
