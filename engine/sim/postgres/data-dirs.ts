import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Ready copies kept: two test files start sims side by side. */
const SPARES = 2;
/** A copy still being made this long after it started belongs to a process that died. */
const STALE_COPY_MS = 10 * 60_000;

/**
 * A sim's data directory: a copy of the template next to it, under the OS temp dir (where the
 * server's OS user can always reach it and a rename is atomic), linked from `link` in the state
 * dir. Copying the cluster's ~2,800 files takes 0.3–0.9 s on this machine, most of a sim's
 * start; so after each claim a spare copy is made in the background (a detached `cp`, which
 * finishes even when the claiming process exits at once, as `lab-tui status --sim` does) and
 * the next sim, in this process or another, takes it with a rename. Without a spare, it copies.
 */
export async function claimDataDir(template: string, link: string): Promise<string> {
  const pool = dirname(template);
  discardAbandoned(pool);
  const dir = join(pool, `run-${process.pid}-${randomBytes(6).toString('hex')}`);
  if (!takeSpare(pool, dir)) await execFileAsync('cp', ['-a', template, dir]);
  replenish(pool, template);
  removeLink(link);
  symlinkSync(dir, link);
  return dir;
}

/** Removes a sim's data directory in the background (~2,800 files would hold up every stop). */
export function releaseDataDir(dir: string, link: string): void {
  removeLink(link);
  discard(dir);
}

function takeSpare(pool: string, dest: string): boolean {
  for (const name of readdirSync(pool)) {
    if (!name.startsWith('spare-')) continue;
    try {
      renameSync(join(pool, name), dest);
      return true;
    } catch {
      // Another sim took it first.
    }
  }
  return false;
}

function replenish(pool: string, template: string): void {
  const entries = readdirSync(pool);
  const copying = entries.filter((n) => n.startsWith('.copy-') && Date.now() - statSync(join(pool, n)).mtimeMs < STALE_COPY_MS);
  for (const n of entries) if (n.startsWith('.copy-') && !copying.includes(n)) discard(join(pool, n));
  // One copy at a time: a second one would only compete with it for the disk.
  if (copying.length || entries.filter((n) => n.startsWith('spare-')).length >= SPARES) return;
  const id = randomBytes(6).toString('hex');
  // Published by a rename once complete, so a claim never takes half a cluster.
  background('cp -a "$1" "$2" && mv "$2" "$3"', [template, join(pool, `.copy-${id}`), join(pool, `spare-${id}`)]);
}

/** Data directories of sims whose process died without stopping them (killed tests). */
function discardAbandoned(pool: string): void {
  for (const name of readdirSync(pool)) {
    const pid = Number(/^run-(\d+)-/.exec(name)?.[1]);
    if (pid && !alive(pid)) discard(join(pool, name));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeLink(link: string): void {
  try {
    if (lstatSync(link).isSymbolicLink()) unlinkSync(link);
    else rmSync(link, { recursive: true, force: true });
  } catch {
    // Nothing there.
  }
}

/** Moves a directory out of the way at once, then deletes it in the background. */
function discard(dir: string): void {
  const trash = join(dirname(dir), `.discarded-${randomBytes(6).toString('hex')}`);
  try {
    renameSync(dir, trash);
  } catch {
    return;
  }
  background('rm -rf "$1"', [trash]);
}

/** Detached and at the lowest priority: it must not slow down the sim that is starting meanwhile. */
function background(script: string, args: string[]): void {
  spawn('nice', ['-n', '19', 'sh', '-c', script, 'lab-sim', ...args], { detached: true, stdio: 'ignore' }).unref();
}
