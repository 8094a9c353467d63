// Ink rebuilds the whole character grid of the screen for every frame and re-encodes every
// row, even the rows that did not change: at 160×45 that was 15–45 ms per frame on this
// machine, and a node going NotReady waited behind it. A row's text depends only on the
// writes that landed on it, so rows are memoised by those writes and only changed rows are
// composed, by Ink's own Output. bin/bundle.mjs puts this class in Ink's place.

const MAX_ROWS = 2_000;

/** Ink's Output class, with memoised rows. */
export function rowMemoOutput(InkOutput) {
  const rows = new Map();
  const composeRow = (width, segments) => {
    const one = new InkOutput({ width, height: 1 });
    for (const [x, line] of segments) one.write(x, 0, line, { transformers: [] });
    return one.get().output;
  };

  return class Output extends InkOutput {
    get() {
      // Clipping rewrites lines by position; those frames take Ink's path unchanged.
      if (this.operations.some((op) => op.type !== 'write')) return super.get();
      const perRow = Array.from({ length: this.height }, () => []);
      for (const { x, y, text, transformers } of this.operations) {
        // Ink drops every line of a write that starts above the screen.
        if (y < 0) continue;
        text.split('\n').forEach((raw, index) => {
          const segments = perRow[y + index];
          if (!segments) return;
          let line = raw;
          for (const transformer of transformers) line = transformer(line, index);
          segments.push([x, line]);
        });
      }
      if (rows.size > MAX_ROWS) rows.clear();
      const output = perRow.map((segments) => {
        if (segments.length === 0) return '';
        const key = `${this.width}\u0000${segments.map(([x, line]) => `${x}\u0001${line}`).join('\u0002')}`;
        let row = rows.get(key);
        if (row === undefined) {
          row = composeRow(this.width, segments);
          rows.set(key, row);
        }
        return row;
      });
      return { output: output.join('\n'), height: this.height };
    }
  };
}
