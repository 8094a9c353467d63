import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from './git-exec.ts';
import { blobId, commitId, treeId, type Commit, type GitFile } from './git-objects.ts';

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
  parent?: Commit;
  changes: FileChange[];
  message: string;
  author: Identity;
  /** Sim time (ms) the commit is dated at: the same inputs give the same commit id. */
  at: number;
}

/**
 * One commit on a branch of a bare repository, written by a single `git fast-import` (no worktree,
 * no index). fast-import refuses to move a branch that is no longer `parent` (someone pushed
 * meanwhile) unless forced, so a concurrent push is never overwritten. Resolves to the commit as
 * git must have written it, computed here, so nothing has to be read back.
 */
export async function writeCommit(gitDir: string, c: NewCommit): Promise<Commit> {
  const stamp = `${Math.floor(c.at / 1000)} +0000`;
  const who = `${c.author.name} <${c.author.email}> ${stamp}`;
  const message = c.message.endsWith('\n') ? c.message : `${c.message}\n`;
  const parts: Buffer[] = [Buffer.from(`commit refs/heads/${c.branch}\nauthor ${who}\ncommitter ${who}\n`), data(Buffer.from(message))];
  if (c.parent) parts.push(Buffer.from(`from ${c.parent.sha}\n`));
  for (const change of c.changes) {
    if (change.data === null) parts.push(Buffer.from(`D ${quote(change.path)}\n`));
    else parts.push(Buffer.from(`M ${change.mode ?? '100644'} inline ${quote(change.path)}\n`), data(change.data));
  }
  parts.push(Buffer.from('\ndone\n'));
  await runGit(['fast-import', '--quiet', '--done', '--date-format=raw'], { cwd: gitDir, input: Buffer.concat(parts) });
  return expectedCommit(c, message.slice(0, -1));
}

function expectedCommit(c: NewCommit, message: string): Commit {
  const files = new Map<string, GitFile>(c.parent?.files);
  for (const change of c.changes) {
    if (change.data === null) files.delete(change.path);
    else files.set(change.path, { mode: change.mode ?? '100644', id: blobId(change.data), data: change.data });
  }
  const person = { ...c.author, at: Math.floor(c.at / 1000) * 1000 };
  const header = { tree: treeId(files), parents: c.parent ? [c.parent.sha] : [], author: person, committer: person, message };
  return { sha: commitId(header), ...header, files };
}

const data = (bytes: Buffer) => Buffer.concat([Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n')]);

/** fast-import's C-style quoting, for paths that need it (the contents API refuses control characters). */
function quote(path: string): string {
  return /^"|[\\"\n]/.test(path) ? `"${path.replace(/[\\"]/g, (ch) => `\\${ch}`).replace(/\n/g, '\\n')}"` : path;
}

/**
 * An empty bare repository whose HEAD names `defaultBranch`, as Gitea creates one: the layout
 * `git init --bare` writes, less its sample hooks and description, written here because a git
 * process per repository was a tenth of lab-sim's start-up.
 */
export async function initBare(gitDir: string, defaultBranch: string): Promise<void> {
  await Promise.all(['objects/info', 'objects/pack', 'refs/heads', 'refs/tags', 'info'].map((d) => mkdir(join(gitDir, d), { recursive: true })));
  await Promise.all([
    writeFile(join(gitDir, 'HEAD'), `ref: refs/heads/${defaultBranch}\n`),
    writeFile(join(gitDir, 'config'), '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n'),
  ]);
}

/** A branch's tip as `git fast-import` left it (a loose ref); undefined once refs are packed. */
export async function looseRef(gitDir: string, branch: string): Promise<string | undefined> {
  return readFile(join(gitDir, 'refs', 'heads', branch), 'utf8').then((s) => s.trim(), () => undefined);
}
