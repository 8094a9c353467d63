import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** How long one command may take before the wait polling it goes on without its answer. */
const ANSWER_MS = 5_000;

/**
 * A tmux control-mode client (`tmux -C`) attached to a test's session: commands go in on stdin and
 * their output comes back between `%begin` and `%end`. Polling the screen through it costs no
 * process per poll; forking one from a test process is what the e2e tests spent most CPU on. It
 * asks for no pane output (`no-output`) and sets no size, so the window keeps the test's size.
 */
export class TmuxControl {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: { resolve: (body: string) => void; reject: (e: Error) => void }[] = [];
  private buffer = '';
  private gone = false;

  constructor(
    serverArgs: string[],
    private readonly session: string,
  ) {
    this.child = spawn('tmux', [...serverArgs, '-C', 'attach-session', '-t', session]);
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.read(chunk));
    this.child.stderr.resume();
    this.child.on('error', () => this.end());
    this.child.on('exit', () => this.end());
    this.child.stdin.on('error', () => this.end());
    void this.command('refresh-client -f no-output').catch(() => undefined);
  }

  /** The pane's text as `capture-pane -p` prints it; undefined once the client is gone (the caller falls back). */
  async capture(): Promise<string | undefined> {
    if (this.gone) return undefined;
    return this.command(`capture-pane -p -t ${this.session}`);
  }

  close(): void {
    this.gone = true;
    this.child.stdin.end();
    this.child.kill();
  }

  private command(line: string): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tmux control: no answer to "${line}" within ${ANSWER_MS} ms`)), ANSWER_MS);
      this.pending.push({ resolve: (b) => (clearTimeout(timer), resolve(b)), reject: (e) => (clearTimeout(timer), reject(e)) });
      this.child.stdin.write(`${line}\n`);
    });
  }

  private read(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const begin = this.buffer.indexOf('%begin ');
      if (begin < 0) return;
      const bodyStart = this.buffer.indexOf('\n', begin) + 1;
      if (bodyStart === 0) return;
      const end = /^%(end|error) \d+ \d+ \d+$/m.exec(this.buffer.slice(bodyStart));
      if (!end) return;
      const body = this.buffer.slice(bodyStart, bodyStart + end.index);
      // The third number is the flags: 1 for a command this client sent, 0 for the attach's own block.
      const ours = this.buffer.slice(begin, bodyStart).trim().endsWith(' 1');
      this.buffer = this.buffer.slice(bodyStart + end.index + end[0].length + 1);
      if (!ours) continue;
      const waiter = this.pending.shift();
      if (end[1] === 'end') waiter?.resolve(body);
      else waiter?.reject(new Error(`tmux control: ${body.trim()}`));
    }
  }

  private end(): void {
    this.gone = true;
    for (const w of this.pending.splice(0)) w.reject(new Error('tmux control: the client exited'));
  }
}
