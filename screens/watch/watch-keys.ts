/** The observer's keys: reading only, nothing reaches the sandbox (there is no sandbox connection at all). */
export interface WatchState {
  scroll: number;
  /** Follow the newest lines as the journal grows, until the operator scrolls up. */
  follow: boolean;
  help: boolean;
  quitting: boolean;
}

export const initialWatch: WatchState = { scroll: 0, follow: true, help: false, quitting: false };

export interface WatchBinding {
  keys: string[];
  label: string;
  description: string;
  hint?: string;
  run(s: WatchState, lines: number, page: number): WatchState;
}

const to = (s: WatchState, scroll: number, lines: number, page: number): WatchState => {
  const last = Math.max(0, lines - page);
  const at = Math.max(0, Math.min(scroll, last));
  return { ...s, scroll: at, follow: at >= last };
};

export const WATCH_BINDINGS: readonly WatchBinding[] = [
  { keys: ['j', 'down'], label: 'j/k', description: 'scroll down', hint: 'scroll', run: (s, n, p) => to(s, s.scroll + 1, n, p) },
  { keys: ['k', 'up'], label: 'k', description: 'scroll up', run: (s, n, p) => to(s, s.scroll - 1, n, p) },
  { keys: ['pagedown'], label: 'pgdn', description: 'page down', run: (s, n, p) => to(s, s.scroll + p, n, p) },
  { keys: ['pageup'], label: 'pgup', description: 'page up', run: (s, n, p) => to(s, s.scroll - p, n, p) },
  { keys: ['g', 'home'], label: 'g', description: 'the start of the run', run: (s, n, p) => to(s, 0, n, p) },
  { keys: ['G', 'end'], label: 'G', description: 'the newest lines, and follow them as they come', hint: 'follow', run: (s, n, p) => to(s, n, n, p) },
  { keys: ['?'], label: '?', description: 'help: every key', hint: 'help', run: (s) => ({ ...s, help: !s.help }) },
  { keys: ['escape'], label: 'esc', description: 'close the help', run: (s) => ({ ...s, help: false }) },
  { keys: ['q', 'ctrl+c'], label: 'q', description: 'stop watching (the drill goes on)', hint: 'quit', run: (s) => ({ ...s, quitting: true }) },
];

/** Every key of a burst in order; a key not in the table does nothing. */
export function watchKeys(s: WatchState, keys: readonly string[], lines: number, page: number): WatchState {
  return keys.reduce((state, key) => WATCH_BINDINGS.find((b) => b.keys.includes(key))?.run(state, lines, page) ?? state, s);
}
