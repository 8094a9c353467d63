import { main } from '../../src/cli/main.ts';
import type { Env } from '../../src/config/paths.ts';

/** Runs the CLI in-process with captured output; what scripts and CI see. */
export async function runCli(argv: string[], env: Env = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    env: { HOME: env.HOME ?? '/nonexistent-home', PATH: process.env.PATH, ...env },
    color: false,
    stdout: (t) => (stdout += t.endsWith('\n') ? t : `${t}\n`),
    stderr: (t) => (stderr += t.endsWith('\n') ? t : `${t}\n`),
  });
  return { code, stdout, stderr };
}
