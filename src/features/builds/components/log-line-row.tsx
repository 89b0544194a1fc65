import type { CSSProperties } from 'react';
import type { LogLine } from '../lib/build-log';
import { lineTone } from '../lib/log-rows';
import { AnsiText } from './ansi-text';

interface LogLineRowProps {
  line: LogLine;
  style: CSSProperties;
  /** The line matches the search; `highlight` is the text to mark. */
  match: boolean;
  highlight: string | undefined;
  current: boolean;
  selected: boolean;
  onSelect: (lineNumber: number) => void;
}

/** One log line: its `#L123` link, coloured by stream, with search matches marked. */
export function LogLineRow({ line, style, match, highlight, current, selected, onSelect }: LogLineRowProps) {
  const classes = ['st-log__row', 'st-log__line', `st-log__line--${lineTone(line)}`];
  if (match) classes.push('st-log__line--match');
  if (current) classes.push('st-log__line--current');
  if (selected) classes.push('st-log__line--selected');
  return (
    <div className={classes.join(' ')} style={style} data-line={line.number}>
      <a className="st-log__number" href={`#L${line.number}`} aria-label={`Link to line ${line.number}`} onClick={() => onSelect(line.number)}>
        {line.number}
      </a>
      <span className="st-log__text">
        <AnsiText text={line.text} highlight={match ? highlight : undefined} />
      </span>
    </div>
  );
}
