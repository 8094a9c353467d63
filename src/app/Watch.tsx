import { useInput, useStdin } from 'ink';
import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { buildTimeline } from '../../engine/drills/timeline.ts';
import type { FollowedJournal } from '../../engine/runbook/follow-journal.ts';
import { keyNames, type KeyLike } from '../../screens/keys/key-names.ts';
import { useStore } from '../../screens/shell/use-store.ts';
import { useTerminalSize } from '../../screens/shell/use-terminal-size.ts';
import { initialWatch, watchKeys } from '../../screens/watch/watch-keys.ts';
import { timelineLines } from '../../screens/evidence/timeline-lines.ts';
import { WatchScreen } from '../../screens/watch/WatchScreen.tsx';

/** The observer's root: a journal followed from disk, rendered read-only. */
export function Watch({ file, journal, onQuit }: { file: string; journal: FollowedJournal; onQuit: () => void }) {
  const records = useStore(journal.records);
  const problems = useStore(journal.problems);
  const timeline = useMemo(() => buildTimeline(records), [records]);
  const { rows, columns } = useTerminalSize();
  const height = Math.max(rows - 1, 10);
  const page = Math.max(1, height - 3);
  const count = timeline ? timelineLines(timeline, columns).length : 0;
  const [state, setState] = useState(initialWatch);
  const { isRawModeSupported } = useStdin();
  const latest = useRef({ state, count, page });
  latest.current = { state, count, page };
  const onKey = useCallback((input: string, key: KeyLike) => {
    const { state: s, count: n, page: p } = latest.current;
    const next = watchKeys(s, keyNames(input, key), n, p);
    latest.current.state = next;
    setState(next);
  }, []);
  useInput(onKey, { isActive: isRawModeSupported === true });
  // Following: the newest lines stay in view as the journal grows.
  useEffect(() => {
    if (state.follow) setState((s) => ({ ...s, scroll: Math.max(0, count - page) }));
  }, [count, page, state.follow]);
  useEffect(() => {
    if (state.quitting) onQuit();
  }, [state.quitting, onQuit]);
  return <WatchScreen file={file} timeline={timeline} problems={problems.length} state={state} width={columns} height={height} />;
}
