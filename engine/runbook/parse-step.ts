import { closesFence, deindent, isBlank, isIndented, openFence, trimBlankLines, type FenceOpen } from './markdown-lines.ts';
import { parseLabBlock } from './parse-lab-block.ts';
import type { Problems } from './parse-problems.ts';
import type { LabBlock, Step } from './types.ts';

const COMMAND_LANGUAGES = new Set(['sh', 'bash', 'shell']);
/** Lines that start a new Markdown block, so they are not part of the title's paragraph. */
const BLOCK_START = /^(?:[-*+][ \t]|[-*+]$|\d+[.)](?:[ \t]|$)|>|#{1,6}(?:[ \t]|$))/;
const UNCLOSED_FENCE = 'fence opened here is never closed';
const UNCLOSED_HINT = 'close it with the same fence characters, at least as many, before the next line at column 0';

type Part = { kind: 'text'; text: string } | { kind: 'fence'; open: FenceOpen; line: number; raw: string[]; content: string[] };

export interface StepHead {
  /** `3.` or `3)`, for messages. */
  marker: string;
  /** The item's first line after the marker. */
  rest: string;
  contentIndent: number;
}

/**
 * The lines of the item starting at `start` (0-based): everything up to the first non-blank line
 * at column 0. A fence inside it that reaches that line or the end of file is unclosed.
 */
function readParts(lines: string[], start: number, head: StepHead, problems: Problems): { parts: Part[]; end: number } {
  const parts: Part[] = [];
  let j = start + 1;
  while (j < lines.length) {
    const text = lines[j]!;
    if (!isBlank(text) && !isIndented(text)) break;
    const open = isBlank(text) ? undefined : openFence(text);
    // Indented 4 or more past the item's content, a fence is an indented code block's text.
    if (!open || open.indent >= head.contentIndent + 4) {
      parts.push({ kind: 'text', text });
      j++;
      continue;
    }
    let k = j + 1;
    while (k < lines.length && (isBlank(lines[k]!) || isIndented(lines[k]!)) && !closesFence(lines[k]!, open)) k++;
    const closed = k < lines.length && closesFence(lines[k]!, open);
    if (!closed) problems.add(j + 1, UNCLOSED_FENCE, UNCLOSED_HINT);
    const end = closed ? k + 1 : k;
    parts.push({ kind: 'fence', open, line: j + 1, raw: lines.slice(j, end), content: lines.slice(j + 1, k).map((l) => deindent(l, open.indent)) });
    j = end;
  }
  return { parts, end: j };
}

function kindOf(head: StepHead): { kind?: Step['kind']; title: string; error?: string } {
  const tagged = /^\[(AGENT|HUMAN)\](.*)$/.exec(head.rest);
  if (tagged) return { kind: tagged[1] as Step['kind'], title: tagged[2]!.trim() };
  const other = /^\[([^\]]*)\]/.exec(head.rest);
  return { title: '', error: `expected [AGENT] or [HUMAN] after "${head.marker}", found [${other?.[1] ?? ''}] (tags are upper case)` };
}

/**
 * The extent of a numbered item that is not a step (prose, shown where it stands), and the
 * languages of the fenced blocks it carries: a ```lab or ```sh block in it is most likely a
 * forgotten tag.
 */
export function readProseItem(lines: string[], start: number, head: StepHead, problems: Problems): { end: number; languages: string[] } {
  const { parts, end } = readParts(lines, start, head, problems);
  return { end, languages: parts.flatMap((p) => (p.kind === 'fence' ? [p.open.language] : [])) };
}

/** A step is an item tagged `[AGENT]` or `[HUMAN]` (in any case: a wrong case is reported, not taken for prose). */
export function isStepItem(head: StepHead): boolean {
  return /^\[(?:AGENT|HUMAN)\]/i.test(head.rest);
}

/**
 * Reads the step item at `start`. Returns the step, or undefined when its tag is wrong (its blocks
 * are still checked, so every problem is reported at once), and the index after the item.
 */
export function readStep(lines: string[], start: number, head: StepHead, problems: Problems): { step?: Omit<Step, 'id' | 'number' | 'intro'>; end: number } {
  const line = start + 1;
  const { parts, end } = readParts(lines, start, head, problems);
  const { kind, title: first, error } = kindOf(head);
  if (error) problems.add(line, error);

  const title = [first];
  let i = 0;
  for (; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.kind !== 'text' || isBlank(part.text) || BLOCK_START.test(part.text.trim())) break;
    title.push(part.text.trim());
  }
  const body: string[] = [];
  let command: Step['command'];
  let lab: LabBlock | undefined;
  const beforeBlocks = problems.count;
  for (const part of parts.slice(i)) {
    if (part.kind === 'text') body.push(deindent(part.text, head.contentIndent));
    else if (COMMAND_LANGUAGES.has(part.open.language)) {
      if (command) problems.add(part.line, `expected at most one \`\`\`sh block per step (the first is at line ${command.line})`);
      else command = { code: part.content.join('\n'), line: part.line };
    } else if (part.open.language === 'lab') {
      if (lab) problems.add(part.line, `expected at most one \`\`\`lab block per step (the first is at line ${lab.line})`);
      else lab = parseLabBlock(part.content.join('\n'), part.line, problems);
    } else body.push(...part.raw.map((l) => deindent(l, head.contentIndent)));
  }
  const blocksBroken = problems.count > beforeBlocks;
  if (!kind) return { end };

  const fullTitle = title.filter(Boolean).join(' ');
  if (!fullTitle) problems.add(line, `expected a step title after [${kind}]`);
  // A step whose blocks are already reported broken would only get a misleading second error.
  if (kind === 'AGENT' && !command && !lab?.action && !blocksBroken)
    problems.add(line, '[AGENT] step needs a ```sh command or a ```lab action (use "action: wait" with verify probes to only wait)');
  const step: Omit<Step, 'id' | 'number' | 'intro'> = { kind, title: fullTitle, body: trimBlankLines(body), line };
  if (command) step.command = command;
  if (lab) step.lab = lab;
  return { step, end };
}

/** A fence between steps: prose, but its lines are never steps or headings. */
export function skipProseFence(lines: string[], start: number, problems: Problems): number | undefined {
  const open = openFence(lines[start]!);
  if (!open) return undefined;
  let k = start + 1;
  while (k < lines.length && !closesFence(lines[k]!, open)) k++;
  if (k >= lines.length) problems.add(start + 1, UNCLOSED_FENCE, UNCLOSED_HINT);
  return Math.min(k + 1, lines.length);
}
