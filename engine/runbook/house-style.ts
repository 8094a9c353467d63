import type { Runbook } from './types.ts';

/** Markdown links and emphasis read as their text: `[Runbooks](README.md)` → `Runbooks`, `**Status:**` → `Status:`. */
function plain(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*\*|__/g, '')
    .trim();
}

/**
 * The lab's house style, from the top of the document: a breadcrumb spine as the first line
 * (`vibe > Runbooks > Cluster recovery`) and a status line (`Status: 🟢 Active  Last Updated:
 * 2026-11-20  Related: …`, fields separated by runs of spaces or `·`).
 */
export function houseHeader(lines: readonly string[]): Pick<Runbook, 'breadcrumb' | 'status'> {
  const out: Pick<Runbook, 'breadcrumb' | 'status'> = {};
  const first = plain(lines.find((l) => l.trim() !== '') ?? '');
  if (!first.startsWith('#') && / > /.test(first)) out.breadcrumb = first.split(/\s+>\s+/).map((p) => p.trim()).filter(Boolean);
  for (const line of lines) {
    if (/^##\s/.test(line)) break;
    const text = plain(line);
    const m = /^Status:\s*(.*)$/i.exec(text);
    if (!m) continue;
    const field = (name: string) => new RegExp(`${name}:\\s*(.+?)(?=\\s{2,}|\\s+·\\s+|\\s+(?:Last Updated|Related|Decision|Upstream[^:]*):|$)`, 'i').exec(m[1]!)?.[1]?.trim();
    const status = /^(.+?)(?=\s{2,}|\s+·\s+|\s+(?:Last Updated|Related):|$)/.exec(m[1]!)?.[1]?.trim() ?? '';
    // Related lists links separated by `·` itself: it runs to the end of the line, or to the next field.
    const related = /Related:\s*(.+?)(?=\s+(?:Decision|Upstream[^:]*):|$)/i.exec(m[1]!)?.[1]?.trim();
    out.status = { status, ...(field('Last Updated') ? { lastUpdated: field('Last Updated') } : {}), ...(related ? { related } : {}) };
    break;
  }
  return out;
}
