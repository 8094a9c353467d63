import { createHash } from 'node:crypto';

/** One file of a commit's tree, as git stores it. */
export interface GitFile {
  /** `100644`, `100755`, `120000` (symlink) or `160000` (submodule). */
  mode: string;
  /** The blob's object id. */
  id: string;
  data: Buffer;
}

/** A commit's files by repository path (`/`-separated), the way `git ls-tree -r` lists them. */
export type Tree = ReadonlyMap<string, GitFile>;

export interface Person {
  name: string;
  email: string;
  /** ms since the epoch (git keeps seconds). */
  at: number;
}

export interface Commit {
  sha: string;
  /** The root tree's object id. */
  tree: string;
  parents: string[];
  author: Person;
  committer: Person;
  /** The message without its final newline. */
  message: string;
  files: Tree;
}

/** git's object id of a commit, as `git fast-import` writes it (dates in UTC, no encoding header). */
export function commitId(c: Omit<Commit, 'sha' | 'files'>): string {
  const who = (p: Person) => `${p.name} <${p.email}> ${Math.floor(p.at / 1000)} +0000`;
  const parents = c.parents.map((p) => `parent ${p}\n`).join('');
  const body = Buffer.from(`tree ${c.tree}\n${parents}author ${who(c.author)}\ncommitter ${who(c.committer)}\n\n${c.message}\n`);
  return createHash('sha1').update(`commit ${body.length}\0`).update(body).digest('hex');
}

/** git's object id of a blob: what a clone of the repository shows for the file. */
export function blobId(data: Buffer | string): string {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

const treeIds = new WeakMap<Tree, Map<string, string>>();

/**
 * git's object id of the tree at `dir` (`''` for the root): entries sorted as git sorts them
 * (a directory compares as its name followed by `/`), each `<mode> <name>\0<20-byte id>`.
 */
export function treeId(files: Tree, dir = ''): string {
  let cache = treeIds.get(files);
  if (!cache) treeIds.set(files, (cache = new Map()));
  const known = cache.get(dir);
  if (known) return known;
  const prefix = dir ? `${dir}/` : '';
  const entries = new Map<string, { mode: string; id: () => string }>();
  for (const [path, file] of files) {
    if (!path.startsWith(prefix)) continue;
    const [name, ...rest] = path.slice(prefix.length).split('/') as [string, ...string[]];
    if (rest.length === 0) entries.set(name, { mode: file.mode, id: () => file.id });
    else if (!entries.has(`${name}/`)) entries.set(`${name}/`, { mode: '40000', id: () => treeId(files, prefix + name) });
  }
  const body = Buffer.concat(
    [...entries.keys()]
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
      .map((key) => {
        const entry = entries.get(key) as { mode: string; id: () => string };
        return Buffer.concat([Buffer.from(`${entry.mode} ${key.replace(/\/$/, '')}\0`), Buffer.from(entry.id(), 'hex')]);
      }),
  );
  const id = createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
  cache.set(dir, id);
  return id;
}

/** Whether `dir` is a directory of the tree (the root always is). */
export function isDir(files: Tree, dir: string): boolean {
  if (dir === '') return true;
  for (const path of files.keys()) if (path.startsWith(`${dir}/`)) return true;
  return false;
}
