import Anser from 'anser';
import type { CSSProperties, ReactNode } from 'react';

interface AnsiTextProps {
  text: string;
  /** Lower-cased search text to mark, if any. */
  highlight?: string;
}

function marked(text: string, needle: string | undefined, keyPrefix: string): ReactNode {
  if (!needle) return text;
  const lower = text.toLowerCase();
  const parts: ReactNode[] = [];
  let from = 0;
  let at = lower.indexOf(needle);
  while (at >= 0) {
    if (at > from) parts.push(text.slice(from, at));
    parts.push(<mark key={`${keyPrefix}-${at}`}>{text.slice(at, at + needle.length)}</mark>);
    from = at + needle.length;
    at = lower.indexOf(needle, from);
  }
  if (parts.length === 0) return text;
  if (from < text.length) parts.push(text.slice(from));
  return parts;
}

/**
 * One log line with its ANSI colours as styled spans. Only lines on screen are rendered
 * (the viewer is virtualized), so parsing here costs a few dozen lines per frame.
 */
export function AnsiText({ text, highlight }: AnsiTextProps) {
  if (!text.includes('\u001b')) return <>{marked(text, highlight, 'p')}</>;
  const spans = Anser.ansiToJson(text, { json: true, remove_empty: true });
  return (
    <>
      {spans.map((span, i) => {
        const style: CSSProperties = {};
        if (span.fg) style.color = `rgb(${span.fg})`;
        if (span.bg) style.backgroundColor = `rgb(${span.bg})`;
        if (span.decorations.includes('bold')) style.fontWeight = 600;
        if (span.decorations.includes('italic')) style.fontStyle = 'italic';
        if (span.decorations.includes('underline')) style.textDecoration = 'underline';
        if (span.decorations.includes('dim')) style.opacity = 0.7;
        return (
          <span key={i} style={style}>
            {marked(span.content, highlight, String(i))}
          </span>
        );
      })}
    </>
  );
}
