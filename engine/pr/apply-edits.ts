import type { RunbookEdit } from './types.ts';

/**
 * The runbook with the edits inserted: each edit's lines go after its `afterLine`, and every other
 * byte of the file stays as it was (line endings, byte-order mark, final newline or its absence),
 * so the PR's diff shows only the insertions. Inserted lines take the file's line ending.
 *
 * Edits at the same line keep their order, except that failure notes go before inserted steps:
 * a note placed after a new step would be indented under that step instead of the failed one.
 */
export function applyEdits(runbookText: string, edits: RunbookEdit[]): string {
  // Split keeping each line's own ending, so a file with mixed endings is rebuilt byte for byte.
  const pieces = runbookText.split(/(\r?\n)/);
  const lines = pieces.filter((_, i) => i % 2 === 0);
  const endings = pieces.filter((_, i) => i % 2 === 1);
  const eol = endings[0] ?? '\n';
  // After a final newline split leaves an empty last piece, which is not a line of the file.
  const lineCount = runbookText.endsWith('\n') ? lines.length - 1 : lines.length;

  const inserts = new Map<number, RunbookEdit[]>();
  for (const edit of edits) {
    if (!Number.isInteger(edit.afterLine) || edit.afterLine < 1 || edit.afterLine > lineCount)
      throw new RangeError(`edit ${edit.id}: line ${edit.afterLine} is not in the runbook (1-${lineCount})`);
    inserts.set(edit.afterLine, [...(inserts.get(edit.afterLine) ?? []), edit]);
  }

  let out = '';
  lines.forEach((line, i) => {
    out += line;
    const here = inserts.get(i + 1) ?? [];
    const ordered = [...here.filter((e) => e.kind === 'failure-note'), ...here.filter((e) => e.kind !== 'failure-note')];
    // The line's own ending moves after the inserted lines: a last line without one stays without.
    for (const edit of ordered) for (const added of edit.markdown.split(/\r?\n/)) out += eol + added;
    out += endings[i] ?? '';
  });
  return out;
}
