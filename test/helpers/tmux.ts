import { execFileSync } from 'node:child_process';
import { TmuxControl } from './tmux-control.ts';
import { waitFor } from './wait.ts';

/**
 * A real terminal for end-to-end tests: a tmux pane running a shell, driven with
 * send-keys and read with capture-pane, on a private tmux server per test file.
 */
export class TmuxTerminal {
  readonly socket = `lab-tui-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  readonly session = 'e2e';
  /** Reads the screen while waiting: a capture-pane through one control-mode client, not a process each poll. */
  private control?: TmuxControl;

  constructor(
    readonly cols = 120,
    readonly rows = 32,
  ) {}

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  /** Starts a plain shell with a known prompt, so "back at the prompt" is observable. */
  start(env: Record<string, string> = {}, cwd = process.cwd()): void {
    // tmux runs a multi-argument command directly (no shell), so values go in unquoted.
    const exports = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    this.tmux('new-session', '-d', '-s', this.session, '-x', String(this.cols), '-y', String(this.rows), '-c', cwd, 'env', ...exports, 'PS1=E2E$ ', 'TERM=xterm-256color', 'bash', '--norc', '--noprofile');
    this.control = new TmuxControl(['-L', this.socket, '-f', '/dev/null'], this.session);
  }

  /** Types a line and presses Enter. */
  type(line: string): void {
    this.tmux('send-keys', '-t', this.session, '-l', line);
    this.tmux('send-keys', '-t', this.session, 'Enter');
  }

  /** Named tmux keys (Escape, Enter, Tab, C-c, Up...) or literal text with `literal`. */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.session, ...keys);
  }

  literal(text: string): void {
    this.tmux('send-keys', '-t', this.session, '-l', text);
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.session);
  }

  /** The screen with its colour and style escape sequences, to check what is styled. */
  styledScreen(): string {
    return this.tmux('capture-pane', '-p', '-e', '-t', this.session);
  }

  /** tmux's own view of the terminal modes the app must restore. */
  modes(): { alternateScreen: boolean; cursorVisible: boolean } {
    const [alt, cursor] = this.tmux('display-message', '-p', '-t', this.session, '#{alternate_on} #{cursor_flag}').trim().split(' ');
    return { alternateScreen: alt === '1', cursorVisible: cursor === '1' };
  }

  resize(cols: number, rows: number): void {
    this.tmux('resize-window', '-t', this.session, '-x', String(cols), '-y', String(rows));
  }

  async waitForText(pattern: RegExp | string, timeoutMs = 30_000): Promise<string> {
    const test = (s: string) => (typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s));
    let last = '';
    try {
      return await waitFor(async () => {
        last = (await this.control?.capture()) ?? this.screen();
        return test(last) ? last : undefined;
      }, { timeoutMs, what: `screen text ${pattern}` });
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- screen ---\n${last}`);
    }
  }

  kill(): void {
    this.control?.close();
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
