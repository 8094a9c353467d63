import { STATUS_END, STATUS_START } from './rehearsal-status.ts';

export type BlockUpdate =
  | { action: 'replaced' | 'appended' | 'unchanged'; content: Buffer }
  | { action: 'refused'; line: number; problem: string };

interface Line {
  /** 1-based line number. */
  n: number;
  /** Byte offsets of the line's text, its ending excluded. */
  start: number;
  end: number;
  text: string;
}

/**
 * The file's lines over its bytes. Decoded as latin1 (one char per byte), so the offsets are byte
 * offsets and the bytes around the block are copied untouched, whatever their encoding.
 */
function linesOf(bytes: Buffer): Line[] {
  const s = bytes.toString('latin1');
  const lines: Line[] = [];
  for (let start = 0, n = 1; start < s.length; n++) {
    const nl = s.indexOf('\n', start);
    const stop = nl < 0 ? s.length : nl;
    const end = stop > start && s[stop - 1] === '\r' ? stop - 1 : stop;
    lines.push({ n, start, end, text: s.slice(start, end) });
    start = nl < 0 ? s.length : nl + 1;
  }
  return lines;
}

const FENCE = /^\s{0,3}(```|~~~)/;

/** The marker lines, outside fenced code (a STATUS.md may show the markers in an example). */
function markers(lines: Line[]): { starts: Line[]; ends: Line[] } {
  const starts: Line[] = [];
  const ends: Line[] = [];
  let fenced = false;
  for (const l of lines) {
    if (FENCE.test(l.text)) fenced = !fenced;
    else if (!fenced && l.text.trim() === STATUS_START) starts.push(l);
    else if (!fenced && l.text.trim() === STATUS_END) ends.push(l);
  }
  return { starts, ends };
}

/**
 * `bytes` with the marked block replaced by `block` (its lines, markers included), every other
 * byte as it was; without markers the block is appended after one blank line. The block's lines
 * end like the file's (CRLF when its first line does). Broken markers are refused with their line.
 */
export function updateStatusBlock(bytes: Buffer, block: string[]): BlockUpdate {
  const lines = linesOf(bytes);
  // The block's lines end as the line they replace does (else as the file's first line does).
  const crlfAfter = (l: Line | undefined) => !!l && bytes[l.end] === 0x0d;
  const { starts, ends } = markers(lines);
  const [start, second] = starts;
  if (!start && !ends.length) {
    const eol = crlfAfter(lines[0]) ? '\r\n' : '\n';
    const s = bytes.toString('latin1');
    const gap = !s.length || s === eol || s.endsWith(`${eol}${eol}`) ? '' : s.endsWith('\n') ? eol : `${eol}${eol}`;
    return { action: 'appended', content: Buffer.concat([bytes, Buffer.from(gap + block.join(eol) + eol, 'utf8')]) };
  }
  if (!start || (ends[0] && ends[0].n < start.n)) return { action: 'refused', line: ends[0]!.n, problem: `end marker ${STATUS_END} without a start marker ${STATUS_START} before it` };
  if (second) return { action: 'refused', line: second.n, problem: `a second ${STATUS_START} (the first is on line ${start.n}): keep one block` };
  const [end, stray] = ends;
  if (!end) return { action: 'refused', line: start.n, problem: `start marker ${STATUS_START} without an end marker ${STATUS_END} after it` };
  if (stray) return { action: 'refused', line: stray.n, problem: `a second end marker ${STATUS_END} (the block is lines ${start.n}-${end.n})` };
  const text = Buffer.from(block.join(crlfAfter(start) ? '\r\n' : '\n'), 'utf8');
  const content = Buffer.concat([bytes.subarray(0, start.start), text, bytes.subarray(end.end)]);
  return { action: content.equals(bytes) ? 'unchanged' : 'replaced', content };
}
