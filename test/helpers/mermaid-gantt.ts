import assert from 'node:assert/strict';

export interface GanttTask {
  name: string;
  tags: string[];
  id: string;
  start: string;
  durationMs: number;
}

export interface Gantt {
  init: string;
  dateFormat: string;
  sections: { name: string; tasks: GanttTask[] }[];
}

const TAGS = new Set(['done', 'active', 'crit', 'milestone']);

/** Mermaid's `#<code>;` entities back to text; a `#` that is not an entity would start a comment. */
function decode(text: string, line: string): string {
  assert.doesNotMatch(text.replace(/#\d+;/g, ''), /[#;]/, `unescaped # or ; in ${line}`);
  return text.replace(/#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

/** Every ```mermaid block of a Markdown document, parsed as gantt charts (sections and their tasks). */
export function parseGantts(markdown: string): Gantt[] {
  const blocks = [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]!.split('\n').filter((l) => l.trim()));
  return blocks.map((lines) => {
    const [init, kind, ...body] = lines;
    assert.equal(kind, 'gantt', 'the second line says gantt');
    const gantt: Gantt = { init: init!, dateFormat: '', sections: [] };
    for (const raw of body) {
      const line = raw.trim();
      const directive = /^(dateFormat|axisFormat|todayMarker|section)\s+(.*)$/.exec(line);
      if (directive?.[1] === 'dateFormat') gantt.dateFormat = directive[2]!;
      else if (directive?.[1] === 'section') gantt.sections.push({ name: decode(directive[2]!, line), tasks: [] });
      else if (!directive) {
        // The name ends at the first `:`, so an escaped name has none.
        const colon = line.indexOf(':');
        assert.ok(colon > 0, `a task line: ${line}`);
        const fields = line.slice(colon + 1).split(',').map((f) => f.trim());
        const tags = fields.filter((f) => TAGS.has(f));
        const [id, start, duration] = fields.slice(tags.length);
        assert.match(duration ?? '', /^\d+ms$/, `a duration in ms: ${line}`);
        assert.ok(gantt.sections.length, `a task inside a section: ${line}`);
        gantt.sections.at(-1)!.tasks.push({ name: decode(line.slice(0, colon).trim(), line), tags, id: id!, start: start!, durationMs: Number.parseInt(duration!, 10) });
      }
    }
    return gantt;
  });
}
