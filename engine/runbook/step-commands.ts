import type { Step } from './types.ts';

/** Every shell command a step would run or show: its `sh` block, then its `sh` probes, with their lines. */
export function stepCommands(step: Step): { code: string; line: number }[] {
  const probes = [...(step.lab?.requires ?? []), ...(step.lab?.verify ?? [])].filter((p) => p.probe === 'sh');
  return [...(step.command ? [{ code: step.command.code, line: step.command.line }] : []), ...probes.map((p) => ({ code: String(p.params.run), line: p.line }))];
}
