import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { StageName } from '@/spec/build-events';
import type { LogLine } from '../lib/build-log';
import { groupLogLines, lineFromHash, lineTone, rowsOfGroups, searchLogLines, stepMatch } from '../lib/log-rows';
import { stageDescriptions } from '../lib/stage-descriptions';
import { AnsiText } from './ansi-text';
import { LogToolbar } from './log-toolbar';

export interface LogViewerProps {
  lines: readonly LogLine[];
  /** True while lines may still arrive: "follow" starts on. */
  live: boolean;
  downloadUrl: string;
  /** When set (a failed build), this stage starts open and the others folded. */
  focusStage?: StageName | null;
  height?: number;
}

const ROW_HEIGHT = 20;

/**
 * The build log: virtualized so 100,000+ lines scroll smoothly, grouped and foldable by
 * stage, searchable, following the end while the build runs, with `#L123` line links.
 */
export function LogViewer({ lines, live, downloadUrl, focusStage, height = 480 }: LogViewerProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // What the user folded or opened; other stages follow the default (only the focus stage open).
  const [foldChoices, setFoldChoices] = useState<ReadonlyMap<StageName, boolean>>(new Map());
  // a failed build opens at the end of its failing stage, a live one follows new lines
  const [follow, setFollow] = useState(live || Boolean(focusStage));
  const [query, setQuery] = useState('');
  const [matchCursor, setMatchCursor] = useState(-1);
  const [selectedLine, setSelectedLine] = useState<number | null>(() => lineFromHash(window.location.hash));
  const programmaticScroll = useRef(false);

  const groups = useMemo(() => groupLogLines(lines), [lines]);
  // a string, so the folds below are recomputed only when a stage appears, not on every line
  const presentStages = useMemo(() => [...new Set(groups.map((g) => g.stage))].join(','), [groups]);
  // fold the others only when the focus stage has lines to show; otherwise the log would look empty
  const focusPresent = Boolean(focusStage) && presentStages.split(',').includes(focusStage as string);
  const folded = useMemo(() => {
    const set = new Set<StageName>();
    for (const stage of presentStages.split(',') as StageName[]) {
      if (!stage) continue;
      const choice = foldChoices.get(stage);
      if (choice ?? (focusPresent ? stage !== focusStage : false)) set.add(stage);
    }
    return set;
  }, [presentStages, foldChoices, focusStage, focusPresent]);
  const setFolded = (next: ReadonlySet<StageName>) => {
    const choices = new Map(foldChoices);
    for (const group of groups) choices.set(group.stage, next.has(group.stage));
    setFoldChoices(choices);
  };
  const rows = useMemo(() => rowsOfGroups(groups, folded), [groups, folded]);
  // searching 100,000 lines on every keystroke would block typing; let React defer it
  const deferredQuery = useDeferredValue(query);
  const matches = useMemo(() => searchLogLines(lines, deferredQuery), [lines, deferredQuery]);
  const needle = deferredQuery.trim().toLowerCase() || undefined;
  const matchSet = useMemo(() => new Set(matches), [matches]);
  const currentMatch = matchCursor >= 0 && matchCursor < matches.length ? (matches[matchCursor] as number) : -1;

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

  const scrollToRow = (row: number, align: 'start' | 'center' | 'end') => {
    if (row < 0) return;
    programmaticScroll.current = true;
    virtualizer.scrollToIndex(row, { align });
  };

  // Rows for a line index; a folded stage is unfolded first so the line exists.
  const revealLine = (index: number) => {
    const line = lines[index];
    if (!line) return;
    if (folded.has(line.stage)) {
      const next = new Set(folded);
      next.delete(line.stage);
      setFolded(next);
      pendingReveal.current = index;
      return;
    }
    scrollToRow(rows.indexOf(index), 'center');
  };
  const pendingReveal = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (pendingReveal.current === null) return;
    const index = pendingReveal.current;
    pendingReveal.current = null;
    scrollToRow(rows.indexOf(index), 'center');
  });

  useLayoutEffect(() => {
    if (follow && rows.length > 0) scrollToRow(rows.length - 1, 'end');
    // scrolling follows new rows only
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [follow, rows.length]);

  // A `#L123` link opens at that line once the line has arrived.
  const linkedLineShown = useRef(false);
  useEffect(() => {
    if (linkedLineShown.current || selectedLine === null || lines.length < selectedLine) return;
    linkedLineShown.current = true;
    setFollow(false);
    revealLine(selectedLine - 1);
    // runs when enough lines exist, not on every reveal helper change
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lines.length, selectedLine]);

  useEffect(() => {
    const onHash = () => {
      const line = lineFromHash(window.location.hash);
      // a click on a line number already selected it; scrolling it to the centre would jump
      if (line === null || line === selectedLine) return;
      setSelectedLine(line);
      setFollow(false);
      revealLine(line - 1);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  });

  const goToMatch = (direction: 1 | -1) => {
    const next = stepMatch(matchCursor, matches.length, direction);
    setMatchCursor(next);
    if (next < 0) return;
    setFollow(false);
    revealLine(matches[next] as number);
  };

  const toggleStage = (stage: StageName) => {
    const next = new Set(folded);
    if (next.has(stage)) next.delete(stage);
    else next.add(stage);
    setFolded(next);
  };

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
    <section className="st-log" aria-label="Build log">
      <LogToolbar
        query={query}
        onQueryChange={(q) => {
          setQuery(q);
          setMatchCursor(-1);
        }}
        matchCount={needle ? matches.length : null}
        matchPosition={matchCursor}
        onNext={() => goToMatch(1)}
        onPrevious={() => goToMatch(-1)}
        follow={follow}
        onFollowChange={(on) => {
          setFollow(on);
          if (on && rows.length > 0) scrollToRow(rows.length - 1, 'end');
        }}
        allFolded={groups.length > 0 && groups.every((g) => folded.has(g.stage))}
        onFoldAll={(fold) => setFolded(fold ? new Set(groups.map((g) => g.stage)) : new Set())}
        downloadUrl={downloadUrl}
        lineCount={lines.length}
        selectedLine={selectedLine}
      />
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
          const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT * 2;
          if (follow !== atBottom && (live || !atBottom)) setFollow(atBottom);
        }}
      >
        {stickyGroup && (
          <div className="st-log__row st-log__group st-log__sticky">
            <button type="button" aria-expanded={!folded.has(stickyGroup.stage)} onClick={() => toggleStage(stickyGroup.stage)}>
              <span aria-hidden="true">{folded.has(stickyGroup.stage) ? '▸' : '▾'}</span> {stickyGroup.stage} — {stageDescriptions[stickyGroup.stage].title}{' '}
              <span className="st-muted">({(stickyGroup.end - stickyGroup.start).toLocaleString('en')} lines)</span>
            </button>
          </div>
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
                const open = !folded.has(group.stage);
                return (
                  <div key={`g${-row}`} className="st-log__row st-log__group" style={style}>
                    <button type="button" aria-expanded={open} onClick={() => toggleStage(group.stage)}>
                      <span aria-hidden="true">{open ? '▾' : '▸'}</span> {group.stage} — {stageDescriptions[group.stage].title}{' '}
                      <span className="st-muted">({(group.end - group.start).toLocaleString('en')} lines)</span>
                    </button>
                  </div>
                );
              }
              const line = lines[row] as LogLine;
              const classes = ['st-log__row', 'st-log__line', `st-log__line--${lineTone(line)}`];
              if (matchSet.has(row)) classes.push('st-log__line--match');
              if (row === currentMatch) classes.push('st-log__line--current');
              if (line.number === selectedLine) classes.push('st-log__line--selected');
              return (
                <div key={line.seq} className={classes.join(' ')} style={style} data-line={line.number}>
                  <a
                    className="st-log__number"
                    href={`#L${line.number}`}
                    aria-label={`Link to line ${line.number}`}
                    onClick={() => setSelectedLine(line.number)}
                  >
                    {line.number}
                  </a>
                  <span className="st-log__text">
                    <AnsiText text={line.text} highlight={matchSet.has(row) ? needle : undefined} />
                  </span>
                </div>
              );
            })}
          </div>
        )}
      </div>
    </section>
  );
}
