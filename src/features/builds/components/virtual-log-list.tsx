import { useVirtualizer } from '@tanstack/react-virtual';
import { useImperativeHandle, useRef, type Ref } from 'react';
import type { StageName } from '@/spec/build-events';
import type { LogLine } from '../lib/build-log';
import type { LogGroup } from '../lib/log-rows';
import { LogLineRow } from './log-line-row';
import { LogStageHeader } from './log-stage-header';

const ROW_HEIGHT = 20;

export interface VirtualLogListHandle {
  /** Scrolls a row into view; the scroll it causes is not reported as the reader's. */
  scrollToRow: (row: number, align: 'start' | 'center' | 'end') => void;
}

interface VirtualLogListProps {
  ref: Ref<VirtualLogListHandle>;
  lines: readonly LogLine[];
  groups: readonly LogGroup[];
  /** Line indexes, with -(g + 1) for the header of group g (see `rowsOfGroups`). */
  rows: readonly number[];
  folded: ReadonlySet<StageName>;
  matchSet: ReadonlySet<number>;
  needle: string | undefined;
  currentMatch: number;
  selectedLine: number | null;
  live: boolean;
  height: number;
  onToggleStage: (stage: StageName) => void;
  onSelectLine: (lineNumber: number) => void;
  /** The reader scrolled: whether they are now at the end. */
  onReaderScroll: (atBottom: boolean) => void;
}

/** The log's scroll box: only the rows on screen are in the DOM, so 100,000+ lines scroll smoothly. */
export function VirtualLogList(props: VirtualLogListProps) {
  const { ref, lines, groups, rows, folded, matchSet, needle, currentMatch, selectedLine, live, height } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const programmaticScroll = useRef(false);

  // the compiler cannot memoize around useVirtualizer; this component does not rely on it
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    // a first guess before layout is measured (and the only size jsdom ever reports)
    initialRect: { width: 800, height },
    overscan: 30,
  });

  useImperativeHandle(ref, () => ({
    scrollToRow: (row, align) => {
      if (row < 0) return;
      programmaticScroll.current = true;
      virtualizer.scrollToIndex(row, { align });
    },
  }));

  // Deep in a long stage its header has scrolled away: keep it pinned on top so the stage can
  // still be folded from where the reader is (only while the real header row is off screen).
  const visibleItems = virtualizer.getVirtualItems();
  const scrollTop = virtualizer.scrollOffset ?? 0;
  const firstVisible = visibleItems.find((item) => item.end > scrollTop);
  const firstRow = firstVisible ? rows[firstVisible.index] : undefined;
  const readingGroup = firstRow !== undefined && firstRow >= 0 ? groups.findIndex((g) => g.start <= firstRow && firstRow < g.end) : -1;
  const headerOnScreen = visibleItems.some((item) => rows[item.index] === -(readingGroup + 1) && item.end > scrollTop);
  const stickyGroup = readingGroup >= 0 && !headerOnScreen ? groups[readingGroup] : undefined;

  return (
    <div
      ref={scrollRef}
      className="st-log__scroll"
      style={{ height }}
      tabIndex={0}
      role="region"
      aria-label={`Log output, ${lines.length} lines`}
      onScroll={(e) => {
        if (programmaticScroll.current) {
          programmaticScroll.current = false;
          return;
        }
        const el = e.currentTarget;
        props.onReaderScroll(el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT * 2);
      }}
    >
      {stickyGroup && (
        <LogStageHeader group={stickyGroup} open={!folded.has(stickyGroup.stage)} onToggle={() => props.onToggleStage(stickyGroup.stage)} sticky />
      )}
      {lines.length === 0 ? (
        <p className="st-log__empty">{live ? 'Waiting for the first log line…' : 'This build wrote no log.'}</p>
      ) : (
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {visibleItems.map((item) => {
            const row = rows[item.index] as number;
            const style = { transform: `translateY(${item.start}px)`, height: ROW_HEIGHT };
            if (row < 0) {
              const group = groups[-row - 1];
              if (!group) return null;
              return (
                <LogStageHeader
                  key={`g${-row}`}
                  group={group}
                  open={!folded.has(group.stage)}
                  onToggle={() => props.onToggleStage(group.stage)}
                  style={style}
                />
              );
            }
            const line = lines[row] as LogLine;
            return (
              <LogLineRow
                key={line.seq}
                line={line}
                style={style}
                match={matchSet.has(row)}
                highlight={needle}
                current={row === currentMatch}
                selected={line.number === selectedLine}
                onSelect={props.onSelectLine}
              />
            );
          })}
        </div>
      )}
    </div>
  );
}
