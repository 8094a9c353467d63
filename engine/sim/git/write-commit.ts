import { runGit } from './git-exec.ts';

export interface Identity {
  name: string;
  email: string;
}

/** A file to set (`data`) or remove (`data: null`). */
export interface FileChange {
  path: string;
  data: Buffer | null;
  mode?: string;
}

export interface NewCommit {
  branch: string;
  /** The branch's current tip; none for the first commit of an empty repository. */
  parent?: string;
  changes: FileChange[];
  message: string;
  author: Identity;
  /** Sim time (ms) the commit is dated at: the same inputs give the same commit id. */
  at: number;
}

/**
 * One commit on a branch of a bare repository, written by a single `git fast-import` (no worktree,
 * no index). fast-import refuses to move a branch that is no longer `parent` (someone pushed
 * meanwhile) unless forced, so a concurrent push is never overwritten.
 */
export async function writeCommit(gitDir: string, c: NewCommit): Promise<void> {
  const stamp = `${Math.floor(c.at / 1000)} +0000`;
  const who = `${c.author.name} <${c.author.email}> ${stamp}`;
  const message = c.message.endsWith('\n') ? c.message : `${c.message}\n`;
  const parts: Buffer[] = [Buffer.from(`commit refs/heads/${c.branch}\nauthor ${who}\ncommitter ${who}\n`), data(Buffer.from(message))];
  if (c.parent) parts.push(Buffer.from(`from ${c.parent}\n`));
  for (const change of c.changes) {
    if (change.data === null) parts.push(Buffer.from(`D ${quote(change.path)}\n`));
    else parts.push(Buffer.from(`M ${change.mode ?? '100644'} inline ${quote(change.path)}\n`), data(change.data));
  }
  parts.push(Buffer.from('\ndone\n'));
  await runGit(['fast-import', '--quiet', '--done', '--date-format=raw'], { cwd: gitDir, input: Buffer.concat(parts) });
}

const data = (bytes: Buffer) => Buffer.concat([Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n')]);

/** fast-import's C-style quoting, for paths that need it (the contents API refuses control characters). */
function quote(path: string): string {
  return /^"|[\\"\n]/.test(path) ? `"${path.replace(/[\\"]/g, (ch) => `\\${ch}`).replace(/\n/g, '\\n')}"` : path;
}

/** An empty bare repository whose HEAD names `defaultBranch`, as Gitea creates one. */
export async function initBare(gitDir: string, defaultBranch: string): Promise<void> {
  await runGit(['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, gitDir]);
}
