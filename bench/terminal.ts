import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { TmuxTerminal } from '../test/helpers/tmux.ts';

const execFileAsync = promisify(execFile);

/** tmux panes for benchmarks: a tight capture loop (no waitFor back-off) and process stats. */
export class BenchTerminal extends TmuxTerminal {
  /** A new window running `command`; address it as `${session}:${name}`. */
  window(name: string, command: string, env: Record<string, string>): void {
    // tmux runs a multi-argument command directly (no shell), so values go in unquoted.
    const exports = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    execFileSync('tmux', ['-L', this.socket, 'new-window', '-d', '-t', this.session, '-n', name, 'env', ...exports, 'TERM=xterm-256color', 'sh', '-c', command]);
  }

  keysTo(target: string, ...keys: string[]): void {
    execFileSync('tmux', ['-L', this.socket, 'send-keys', '-t', target, ...keys]);
  }

  capture(target = this.session): string {
    return execFileSync('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', target], { encoding: 'utf8' });
  }

  private async captureAsync(target: string): Promise<string> {
    return (await execFileAsync('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', target], { encoding: 'utf8' })).stdout;
  }

  /**
   * Polls the given panes until each test passes; returns when each first passed (ms since
   * `from`). The panes are captured side by side, each in its own tmux client: captured one
   * after the other, the second pane would be seen one capture later every time.
   */
  async until(from: number, checks: { target: string; test: (screen: string) => boolean }[], timeoutMs = 60_000): Promise<number[]> {
    const seen: (number | undefined)[] = checks.map(() => undefined);
    while (seen.some((s) => s === undefined)) {
      await Promise.all(
        checks.map(async (c, i) => {
          if (seen[i] === undefined && c.test(await this.captureAsync(c.target))) seen[i] = performance.now() - from;
        }),
      );
      if (performance.now() - from > timeoutMs) throw new Error(`screen condition not met within ${timeoutMs} ms:\n${checks.map((c) => this.capture(c.target)).join('\n----\n')}`);
    }
    return seen as number[];
  }

  /** The node process running in a window (child of its shell). */
  nodePid(target: string): number {
    const shell = execFileSync('tmux', ['-L', this.socket, 'display-message', '-p', '-t', target, '#{pane_pid}'], { encoding: 'utf8' }).trim();
    const out = execFileSync('sh', ['-c', `pgrep -f "bin/lab-tui.js" -P ${shell} || pgrep -P ${shell}`], { encoding: 'utf8' }).trim().split('\n')[0];
    return Number(out);
  }
}

export function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round(kb / 102.4) / 10;
}

/** CPU seconds (user + system) a process has used, from /proc (clock ticks are 100 Hz on Linux). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
