import fs from 'node:fs';
import path from 'node:path';

/** A game-day: the drill runs of one rehearsal session, reported together. */
export interface Gameday {
  id: string;
  name: string;
  startedAt: string;
  endedAt?: string;
  /** The operator sees only the runbook walkthrough and the health strip: the runbook is tested, not memory. */
  runbookOnly: boolean;
}

const dirOf = (evidenceDir: string) => path.join(evidenceDir, 'gamedays');

export function listGamedays(evidenceDir: string): Gameday[] {
  const dir = dirOf(evidenceDir);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Gameday)
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
}

/** The newest game-day that has not ended: drills started now belong to it. */
export function activeGameday(evidenceDir: string): Gameday | undefined {
  return listGamedays(evidenceDir).find((g) => !g.endedAt);
}

export function startGameday(evidenceDir: string, o: { name?: string; runbookOnly: boolean; now: Date }): Gameday {
  const open = activeGameday(evidenceDir);
  if (open) throw new Error(`game-day ${open.id} (${open.name}) is still open: end it first (lab-tui gameday end)`);
  const id = `gd-${o.now.toISOString().slice(0, 10)}-${o.now.toISOString().slice(11, 19).replace(/:/g, '')}`;
  const g: Gameday = { id, name: o.name ?? `game-day ${o.now.toISOString().slice(0, 10)}`, startedAt: o.now.toISOString(), runbookOnly: o.runbookOnly };
  fs.mkdirSync(dirOf(evidenceDir), { recursive: true, mode: 0o700 });
  // wx: two game-days never share a file.
  fs.writeFileSync(path.join(dirOf(evidenceDir), `${id}.json`), `${JSON.stringify(g, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  return g;
}

export function endGameday(evidenceDir: string, now: Date): Gameday {
  const open = activeGameday(evidenceDir);
  if (!open) throw new Error('no game-day is open');
  const ended = { ...open, endedAt: now.toISOString() };
  fs.writeFileSync(path.join(dirOf(evidenceDir), `${open.id}.json`), `${JSON.stringify(ended, null, 2)}\n`);
  return ended;
}
