import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LocatedError, LocatedErrors } from '../common/located-error.ts';
import { atxHeading, orderedItem, slugify, splitLines, trimBlankLines } from './markdown-lines.ts';
import { Problems } from './parse-problems.ts';
import { houseHeader } from './house-style.ts';
import { isStepItem, readProseItem, readStep, skipProseFence } from './parse-step.ts';
import type { Runbook, Section } from './types.ts';

/**
 * Parses a runbook (format: manifests/runbooks/README.md). Pure: `file` only names the source in
 * the result and in errors. Throws LocatedErrors listing every problem found, and nothing else.
 */
export function parseRunbook(file: string, text: string): Runbook {
  const problems = new Problems(file);
  const lines = splitLines(text);
  let title: string | undefined;
  const intro: string[] = [];
  const sections: Section[] = [];
  const firstLineOfId = new Map<string, number>();
  let section: Section | undefined;
  /** Prose since the last step or heading: the next step's intro, or the section's outro. */
  let prose: string[] = [];
  let items = 0;
  /** Numbered items that are prose: a warning if a step follows them in their section, or if they carry a block. */
  const untagged: { line: number; marker: string; section: Section; stepsBefore: number; languages: string[] }[] = [];

  /** `end`: index of the line after the section (the next `##` heading, or the end of the file). */
  const endSection = (end: number): void => {
    if (section) {
      section.outro = trimBlankLines(prose);
      section.digest = sha256(trimBlankLines(lines.slice(section.line - 1, end)));
    }
    prose = [];
  };

  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const proseTarget = section ? prose : intro;
    const fenceEnd = skipProseFence(lines, i, problems);
    if (fenceEnd !== undefined) {
      proseTarget.push(...lines.slice(i, fenceEnd));
      i = fenceEnd;
      continue;
    }
    const heading = atxHeading(line);
    if (heading?.level === 2) {
      endSection(i);
      section = startSection(heading.text, i + 1, firstLineOfId, problems);
      sections.push(section);
      i++;
      continue;
    }
    if (heading?.level === 1 && heading.text && !section && title === undefined) {
      title = heading.text;
      i++;
      continue;
    }
    const item = orderedItem(line);
    if (item && section && !isStepItem(item)) {
      // Only tagged items are steps: an ordered list after a diagram, in a TL;DR, is prose.
      const { end, languages } = readProseItem(lines, i, item, problems);
      untagged.push({ line: i + 1, marker: item.marker, section, stepsBefore: section.steps.length, languages });
      prose.push(...lines.slice(i, end));
      i = end;
      continue;
    }
    if (item && section) {
      items++;
      const { step, end } = readStep(lines, i, item, problems);
      if (step) {
        const number = section.steps.length + 1;
        section.steps.push({ id: `${section.id}/${number}`, number, intro: trimBlankLines(prose), ...step });
      }
      prose = [];
      i = end;
      continue;
    }
    const cramped = /^(\d+[.)])\[(?:AGENT|HUMAN)\]/.exec(line);
    if (cramped && section) {
      items++;
      problems.add(i + 1, `expected a space between "${cramped[1]}" and the tag (without it Markdown shows no list item)`);
    }
    if (!section && (cramped || (item && /^\[(?:AGENT|HUMAN)\]/.test(item.rest))))
      problems.add(i + 1, 'step outside a section: expected a "## Section title" heading before it');
    proseTarget.push(line);
    i++;
  }
  endSection(lines.length);

  if (items === 0) problems.add(1, 'expected at least one step ("1. [AGENT] …" or "1. [HUMAN] …" at column 0 under a "## Section" heading)');
  for (const u of untagged) {
    const block = u.languages.find((l) => l === 'lab' || l === 'sh' || l === 'bash' || l === 'shell');
    if (block) problems.warn(u.line, `"${u.marker}" carries a \`\`\`${block} block but is not a step: did you mean "${u.marker} [AGENT] …"?`, 'only items tagged [AGENT] or [HUMAN] are steps');
    else if (u.stepsBefore > 0 && u.section.steps.length > u.stepsBefore)
      problems.warn(u.line, `"${u.marker}" between steps ${u.stepsBefore} and ${u.stepsBefore + 1} of "${u.section.title}" is not tagged, so it is prose, not a step: did you mean [AGENT] or [HUMAN]?`, 'only items tagged [AGENT] or [HUMAN] are steps');
  }
  problems.throwIfAny();
  return {
    file,
    title: title ?? path.basename(file, path.extname(file)),
    intro: trimBlankLines(intro),
    sections,
    digest: sha256(text),
    warnings: problems.warnings.map((w) => w.message),
    ...houseHeader(lines),
  };
}

function startSection(title: string, line: number, firstLineOfId: Map<string, number>, problems: Problems): Section {
  const id = slugify(title);
  if (!title) problems.add(line, 'expected a section title after "##"');
  else if (!id) problems.add(line, `expected a section title with letters or digits (ids are made of them), found ${JSON.stringify(title)}`);
  else {
    const first = firstLineOfId.get(id);
    if (first !== undefined) problems.add(line, `duplicate section id "${id}": the section at line ${first} already has it (expected each ## title to give a different id)`);
    else firstLineOfId.set(id, line);
  }
  return { id, title, outro: '', steps: [], line, digest: '' };
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** Reads and parses a runbook file; `file` is resolved to an absolute path. */
export function loadRunbook(file: string): Runbook {
  const abs = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(abs);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read the runbook: ${(e as Error).message}`;
    throw new LocatedErrors([new LocatedError({ file: abs, line: 1 }, reason)], 'runbook');
  }
  // The digest names the file's exact bytes, even where they are not valid UTF-8.
  return { ...parseRunbook(abs, bytes.toString('utf8')), digest: sha256(bytes) };
}
