/**
 * Line-level Markdown recognisers for the runbook parser. Runbooks are read line by line rather
 * than through a full CommonMark parser because the format is defined by columns (steps and
 * headings at column 0, step content indented), which a line scanner states directly.
 */

/** A BOM or Windows line endings must not change what is parsed. */
export function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

export const isBlank = (line: string): boolean => /^[ \t]*$/.test(line);

/** Not at column 0: the line continues the step item above it. */
export const isIndented = (line: string): boolean => line.startsWith(' ') || line.startsWith('\t');

const TAB = 4;

/** Columns of leading whitespace, a tab advancing to the next multiple of 4 as in Markdown. */
export function indentOf(line: string): number {
  let col = 0;
  for (const ch of line) {
    if (ch === ' ') col++;
    else if (ch === '\t') col += TAB - (col % TAB);
    else break;
  }
  return col;
}

/** Removes up to `columns` columns of leading whitespace; a tab that straddles the cut leaves spaces. */
export function deindent(line: string, columns: number): string {
  let col = 0;
  let i = 0;
  while (i < line.length && col < columns) {
    const ch = line[i];
    if (ch === ' ') col++;
    else if (ch === '\t') {
      const next = col + TAB - (col % TAB);
      if (next > columns) return ' '.repeat(next - columns) + line.slice(i + 1);
      col = next;
    } else break;
    i++;
  }
  return line.slice(i);
}

/** Drops blank lines at both ends and joins: prose is kept verbatim otherwise. */
export function trimBlankLines(lines: readonly string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && isBlank(lines[start]!)) start++;
  while (end > start && isBlank(lines[end - 1]!)) end--;
  return lines.slice(start, end).join('\n');
}

export interface FenceOpen {
  char: '`' | '~';
  length: number;
  indent: number;
  /** First word of the info string, lower case: `sh`, `lab`, `text`, or ''. */
  language: string;
}

export function openFence(line: string): FenceOpen | undefined {
  const m = /^[ \t]*(`{3,}|~{3,})(.*)$/.exec(line);
  if (!m) return undefined;
  const marker = m[1]!;
  const info = m[2]!.trim();
  // CommonMark: a backtick fence's info string cannot contain backticks (```x``` is inline code).
  if (marker[0] === '`' && info.includes('`')) return undefined;
  return { char: marker[0] as '`' | '~', length: marker.length, indent: indentOf(line), language: (info.split(/[ \t]/)[0] ?? '').toLowerCase() };
}

export function closesFence(line: string, open: FenceOpen): boolean {
  const m = /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(line);
  return m !== null && m[1]![0] === open.char && m[1]!.length >= open.length;
}

/** An ATX heading at column 0 (`# Title`, `## Title ##`); `#tag` is not one. */
export function atxHeading(line: string): { level: number; text: string } | undefined {
  const m = /^(#{1,6})([ \t].*)?$/.exec(line);
  if (!m) return undefined;
  const text = (m[2] ?? '').trim().replace(/(?:^|[ \t]+)#+$/, '').trim();
  return { level: m[1]!.length, text };
}

/** An ordered-list item at column 0: `12. rest` or `3) rest`. */
export function orderedItem(line: string): { marker: string; rest: string; contentIndent: number } | undefined {
  const m = /^(\d+[.)])(?:([ \t]+)(.*))?$/.exec(line);
  if (!m) return undefined;
  const marker = m[1]!;
  return { marker, rest: (m[3] ?? '').trimEnd(), contentIndent: m[2] ? indentOf(' '.repeat(marker.length) + m[2]) : marker.length + 1 };
}

/** Section ids: lower case, every run of characters other than a-z0-9 becomes one `-`. */
export function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
