import type { Monaco } from '@monaco-editor/react';

export const REVIEW_THEME = 'stamper-review';

/**
 * Monaco's light theme with the YAML key, number and comment colours darkened: the stock
 * ones drop below 4.5:1 contrast on the diff editor's inserted/removed line backgrounds.
 */
export function defineReviewTheme(monaco: Monaco): void {
  monaco.editor.defineTheme(REVIEW_THEME, {
    base: 'vs',
    inherit: true,
    rules: [
      { token: 'type', foreground: '005555' },
      { token: 'number', foreground: '06613f' },
      { token: 'comment', foreground: '005c00' },
    ],
    colors: {},
  });
}
