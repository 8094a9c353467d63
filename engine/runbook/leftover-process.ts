import fs from 'node:fs';

/**
 * A process's start time (clock ticks since boot, /proc/<pid>/stat field 22) and process group:
 * with the pid, they tell the same process from a later one that reused its pid.
 */
function procStat(pid: number): { startTime: string; pgrp: number } | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { pgrp: Number(fields[2]), startTime: fields[19]! };
  } catch {
    return undefined;
  }
}

export function processStartTime(pid: number): string | undefined {
  return procStat(pid)?.startTime;
}

/**
 * Ends the process group a step started before lab-tui died (kill -9 cannot take its children
 * along). Only when the leader is still the very process the journal recorded; true if it ran.
 */
export async function endLeftoverGroup(pid: number, startTime: string | undefined, graceMs = 2000): Promise<boolean> {
  const stat = procStat(pid);
  if (!stat || startTime === undefined || stat.startTime !== startTime || stat.pgrp !== pid) return false;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
      return true;
    } catch {
      return false;
    }
  };
  if (!signal('SIGTERM')) return false;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && procStat(pid)?.startTime === startTime) await new Promise((r) => setTimeout(r, 50));
  signal('SIGKILL');
  return true;
}
