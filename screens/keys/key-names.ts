export interface KeyLike {
  ctrl?: boolean;
  meta?: boolean;
  escape?: boolean;
  return?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  shift?: boolean;
}

const CONTROL_CHARS: Record<string, string> = { '\r': 'enter', '\n': 'enter', '\t': 'tab', '\x7f': 'backspace', '\b': 'backspace', '\x1b': 'escape' };

/**
 * Key names for one terminal read. Fast typing and pastes arrive as several characters in one
 * read, and Ink hands them over as one input: each becomes its own key, in order, so nothing
 * typed is lost.
 */
export function keyNames(input: string, key: KeyLike): string[] {
  const name = keyName(input, key);
  return name === input && input.length > 1 ? [...input].map((c) => CONTROL_CHARS[c] ?? c) : [name];
}

/** One name per keypress, so bindings are plain strings. */
export function keyName(input: string, key: KeyLike): string {
  if (key.ctrl && input) return `ctrl+${input.toLowerCase()}`;
  if (key.escape) return 'escape';
  if (key.return) return 'enter';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  return input;
}
