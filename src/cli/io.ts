import { createInterface } from 'node:readline/promises';
import type { Env } from '../config/paths.ts';

/** Where a command writes; injected so tests run commands in-process. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Env;
  color: boolean;
  /** One line typed by the operator; absent without a terminal (a command then needs --yes). */
  ask?: (question: string) => Promise<string>;
}

export function processIo(): Io {
  const env = process.env;
  return {
    stdout: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    stderr: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    env,
    // https://no-color.org: any non-empty NO_COLOR disables colour.
    color: !env.NO_COLOR && process.stdout.isTTY === true,
    ...(process.stdin.isTTY
      ? {
          async ask(question: string) {
            const rl = createInterface({ input: process.stdin, output: process.stdout });
            try {
              return await rl.question(question);
            } finally {
              rl.close();
            }
          },
        }
      : {}),
  };
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
