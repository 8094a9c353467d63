const NODE = /([A-Za-z_][\w-]*)\s*(\(\(|\[\[|\[\(|\[\/|\[\\|\(\[|\{\{|\[|\(|\{|>)\s*(?:"([^"]*)"|([^\]\)\}"]*))\s*(?:\)\)|\]\]|\)\]|\/\]|\\\]|\]\)|\}\}|\]|\)|\})/g;

/**
 * A Mermaid flowchart as the words of its nodes, in the order they first appear: what the
 * terminal can show of a diagram (its ordered list, which follows it in the house style, explains it).
 */
export function mermaidLabels(source: string): string[] {
  const labels = new Map<string, string>();
  for (const raw of source.split('\n')) {
    const line = raw.trim();
    if (!line || /^(%%|flowchart\b|graph\b|classDef\b|class\b|style\b|linkStyle\b|click\b|subgraph\b|end$)/.test(line)) continue;
    for (const m of line.matchAll(NODE)) {
      const [, id, , quoted, bare] = m;
      const text = (quoted ?? bare ?? '').replace(/<br\s*\/?>/gi, ' ').replace(/\s+/g, ' ').trim();
      if (text && !labels.has(id!)) labels.set(id!, text);
    }
  }
  return [...labels.values()];
}

/** Step or section prose with each ```mermaid block replaced by its node labels, one per line. */
export function withDiagramsAsLabels(prose: string): string {
  return prose.replace(/^([ \t]*)(`{3,}|~{3,})[ \t]*mermaid[^\n]*\n([\s\S]*?)^\1\2[ \t]*$/gm, (_, indent: string, _fence: string, body: string) =>
    [`${indent}diagram:`, ...mermaidLabels(body).map((l) => `${indent}  ◇ ${l}`)].join('\n'),
  );
}
