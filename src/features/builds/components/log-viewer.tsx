import { useDeferredValue, useEffect, useEffectEvent, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { StageName } from '@/spec/build-events';
import type { LogLine } from '../lib/build-log';
import { groupLogLines, lineFromHash, rowsOfGroups, searchLogLines, stepMatch } from '../lib/log-rows';
import { LogToolbar } from './log-toolbar';
import { VirtualLogList, type VirtualLogListHandle } from './virtual-log-list';

export interface LogViewerProps {
  lines: readonly LogLine[];
  /** True while lines may still arrive: "follow" starts on. */
  live: boolean;
  downloadUrl: string;
  /** When set (a failed build), this stage starts open and the others folded. */
  focusStage?: StageName | null;
  height?: number;
}

/**
 * The build log: grouped and foldable by stage, searchable, following the end while the
 * build runs, with `#L123` line links. This component keeps the reader's choices (folds,
 * search, follow, selected line); the toolbar and the virtual list draw them.
 */
export function LogViewer({ lines, live, downloadUrl, focusStage, height = 480 }: LogViewerProps) {
  const listRef = useRef<VirtualLogListHandle>(null);
  // What the user folded or opened; other stages follow the default (only the focus stage open).
  const [foldChoices, setFoldChoices] = useState<ReadonlyMap<StageName, boolean>>(new Map());
  // a failed build opens at the end of its failing stage, a live one follows new lines
  const [follow, setFollow] = useState(live || Boolean(focusStage));
  const [query, setQuery] = useState('');
  const [matchCursor, setMatchCursor] = useState(-1);
  const [selectedLine, setSelectedLine] = useState<number | null>(() => lineFromHash(window.location.hash));

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

  const scrollToRow = (row: number, align: 'start' | 'center' | 'end') => listRef.current?.scrollToRow(row, align);

  // Rows for a line index; a folded stage is unfolded first so the line exists.
  const pendingReveal = useRef<number | null>(null);
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
  useLayoutEffect(() => {
    if (pendingReveal.current === null) return;
    const index = pendingReveal.current;
    pendingReveal.current = null;
    scrollToRow(rows.indexOf(index), 'center');
  });

  // scrolling follows new rows only
  useLayoutEffect(() => {
    if (follow && rows.length > 0) listRef.current?.scrollToRow(rows.length - 1, 'end');
  }, [follow, rows.length]);

  // A `#L123` link opens at that line once the line has arrived.
  const linkedLineShown = useRef(false);
  const revealLinkedLine = useEffectEvent((line: number) => {
    linkedLineShown.current = true;
    setFollow(false);
    revealLine(line - 1);
  });
  useEffect(() => {
    if (linkedLineShown.current || selectedLine === null || lines.length < selectedLine) return;
    revealLinkedLine(selectedLine);
  }, [lines.length, selectedLine]);

  const onHash = useEffectEvent(() => {
    const line = lineFromHash(window.location.hash);
    // a click on a line number already selected it; scrolling it to the centre would jump
    if (line === null || line === selectedLine) return;
    setSelectedLine(line);
    setFollow(false);
    revealLine(line - 1);
  });
  useEffect(() => {
    const listener = () => onHash();
    window.addEventListener('hashchange', listener);
    return () => window.removeEventListener('hashchange', listener);
  }, []);

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
      <VirtualLogList
        ref={listRef}
        lines={lines}
        groups={groups}
        rows={rows}
        folded={folded}
        matchSet={matchSet}
        needle={needle}
        currentMatch={currentMatch}
        selectedLine={selectedLine}
        live={live}
        height={height}
        onToggleStage={toggleStage}
        onSelectLine={setSelectedLine}
        onReaderScroll={(atBottom) => {
          if (follow !== atBottom && (live || !atBottom)) setFollow(atBottom);
        }}
      />
    </section>
  );
}
