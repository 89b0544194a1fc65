import type { CSSProperties } from 'react';
import type { LogGroup } from '../lib/log-rows';
import { stageDescriptions } from '../lib/stage-descriptions';

interface LogStageHeaderProps {
  group: LogGroup;
  open: boolean;
  onToggle: () => void;
  /** The copy pinned on top while the real header has scrolled away. */
  sticky?: boolean;
  style?: CSSProperties;
}

/** A stage's header row in the log: its name, line count and the fold button. */
export function LogStageHeader({ group, open, onToggle, sticky = false, style }: LogStageHeaderProps) {
  return (
    <div className={`st-log__row st-log__group${sticky ? ' st-log__sticky' : ''}`} style={style}>
      <button type="button" aria-expanded={open} onClick={onToggle}>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span> {group.stage} — {stageDescriptions[group.stage].title}{' '}
        <span className="st-muted">({(group.end - group.start).toLocaleString('en')} lines)</span>
      </button>
    </div>
  );
}
