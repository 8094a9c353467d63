import fs from 'node:fs';
import path from 'node:path';
import type { GateResult } from './gate-result.ts';

const dirOf = (evidenceDir: string) => path.join(evidenceDir, 'gates');

/** Every gate result is kept (append-only, one file each): the Gates screen shows the last of each gate. */
export function saveGateResult(evidenceDir: string, r: GateResult): string {
  fs.mkdirSync(dirOf(evidenceDir), { recursive: true, mode: 0o700 });
  const file = path.join(dirOf(evidenceDir), `${r.gate}-${r.at.replace(/[:.]/g, '')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  return file;
}

/** The newest result of each gate; unreadable files are reported, not dropped. */
export function latestGateResults(evidenceDir: string): { results: GateResult[]; unreadable: { file: string; problem: string }[] } {
  const dir = dirOf(evidenceDir);
  const latest = new Map<string, GateResult>();
  const unreadable: { file: string; problem: string }[] = [];
  if (!fs.existsSync(dir)) return { results: [], unreadable };
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    try {
      const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as GateResult;
      if (r.schema !== 'lab-tui/gate@1') throw new Error('not a lab-tui gate result');
      const prev = latest.get(r.gate);
      if (!prev || prev.at < r.at) latest.set(r.gate, r);
    } catch (e) {
      unreadable.push({ file: path.join(dir, f), problem: (e as Error).message });
    }
  }
  return { results: [...latest.values()].sort((a, b) => a.gate.localeCompare(b.gate)), unreadable };
}
