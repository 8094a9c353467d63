/**
 * Word-wraps Markdown prose to `width`, at most `maxLines` lines (the last one marked … when
 * cut). Lines of one paragraph are reflowed; list items, quotes and table rows keep their line.
 */
export function wrap(text: string, width: number, maxLines: number): string[] {
  const out: string[] = [];
  const paragraphs = text.split('\n').reduce<string[]>((acc, line) => {
    const own = /^\s*([-*+>|]|\d+[.)])\s?/.test(line) || !line.trim() || !acc.length || !acc[acc.length - 1]!.trim();
    if (own) acc.push(line);
    else acc[acc.length - 1] += ` ${line.trim()}`;
    return acc;
  }, []);
  for (const para of paragraphs) {
    if (!para.trim()) continue;
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (!line) line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  const cut = out.map((l) => (l.length > width ? `${l.slice(0, Math.max(0, width - 1))}…` : l));
  if (cut.length <= maxLines) return cut;
  const kept = cut.slice(0, Math.max(0, maxLines));
  if (kept.length) kept[kept.length - 1] = `${kept[kept.length - 1]!.slice(0, Math.max(0, width - 1))}…`;
  return kept;
}

export function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width);
}

/** `m:ss`, or `h:mm:ss` past an hour. */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor((s % 3600) / 60));
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}
