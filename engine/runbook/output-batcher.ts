import { createHash } from 'node:crypto';
import type { NewRecord } from './run-types.ts';
import type { OutputLine } from './run-view.ts';

const FLUSH_MS = 100;
const FLUSH_LINES = 50;
const EXCERPT = 500;

/**
 * Output reaches the journal as digests of ~100 ms batches (an fsync per line would slow a
 * chatty command to the disk's pace), and the screen only after its digest is on disk.
 */
export class OutputBatcher {
  private lines: OutputLine[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly append: (r: NewRecord) => void,
    private readonly show: (lines: OutputLine[]) => void,
  ) {}

  push(line: OutputLine): void {
    this.lines.push(line);
    if (this.lines.length >= FLUSH_LINES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.lines;
    if (!lines.length) return;
    this.lines = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const mine = lines.filter((l) => l.stream === stream);
      if (!mine.length) continue;
      const text = mine.map((l) => l.text).join('\n');
      this.append({ type: 'output', step: mine[0]!.step, stream, text: text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text, bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') });
    }
    this.show(lines);
  }
}
