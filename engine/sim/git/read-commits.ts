import type { Commit, GitFile, Person } from './git-objects.ts';
import { runGit } from './git-exec.ts';

/** What a bare repository holds: its branches' tips and the commits newly read. */
export interface RefsUpdate {
  branches: Map<string, string>;
  /** Commits not in `known`, parents before children. */
  added: Commit[];
}

const FIELD = '\x01';
const FORMAT = ['%H', '%T', '%P', '%an', '%ae', '%at', '%cn', '%ce', '%ct', '%B'].join('%x01');

/**
 * Reads a bare repository's branches and every commit they reach that `known` lacks, with its
 * files. Commits are immutable, so each is read once: a push costs a few git processes
 * (for-each-ref, log, one ls-tree per new commit, one cat-file for the new blobs).
 */
export async function readRefs(gitDir: string, known: ReadonlyMap<string, Commit>, blobs: Map<string, Buffer>): Promise<RefsUpdate> {
  const refs = (await runGit(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/'], { cwd: gitDir })).toString('utf8');
  const branches = new Map<string, string>();
  for (const line of refs.split('\n')) {
    const [sha, ref] = line.split(' ');
    if (sha && ref) branches.set(ref.slice('refs/heads/'.length), sha);
  }
  const tips = [...new Set(branches.values())].filter((sha) => !known.has(sha));
  if (tips.length === 0) return { branches, added: [] };

  const revs = [...tips, ...[...known.keys()].map((sha) => `^${sha}`)].join('\n');
  const log = (await runGit(['log', '-z', '--topo-order', '--reverse', `--format=${FORMAT}`, '--stdin'], { cwd: gitDir, input: `${revs}\n` })).toString('utf8');
  const headers = log.split('\0').filter(Boolean).map(parseHeader);
  const listings = await Promise.all(headers.map((h) => listTree(gitDir, h.sha)));
  const missing = [...new Set(listings.flat().map((e) => e.id))].filter((id) => !blobs.has(id));
  if (missing.length) for (const [id, data] of await readBlobs(gitDir, missing)) blobs.set(id, data);
  const added = headers.map((h, i) => {
    const files = new Map<string, GitFile>((listings[i] ?? []).map((e) => [e.path, { mode: e.mode, id: e.id, data: blobs.get(e.id) ?? Buffer.alloc(0) }]));
    return { ...h, files };
  });
  return { branches, added };
}

function parseHeader(record: string): Omit<Commit, 'files'> {
  const [sha = '', tree = '', parents = '', an = '', ae = '', at = '0', cn = '', ce = '', ct = '0', ...message] = record.split(FIELD);
  const person = (name: string, email: string, seconds: string): Person => ({ name, email, at: Number(seconds) * 1000 });
  return { sha, tree, parents: parents.split(' ').filter(Boolean), author: person(an, ae, at), committer: person(cn, ce, ct), message: message.join(FIELD).replace(/\n$/, '') };
}

async function listTree(gitDir: string, sha: string): Promise<{ mode: string; id: string; path: string }[]> {
  const out = (await runGit(['ls-tree', '-r', '-z', '--full-tree', sha], { cwd: gitDir })).toString('utf8');
  return out
    .split('\0')
    .filter(Boolean)
    .flatMap((entry) => {
      const m = /^(\d{6}) (blob|commit) ([0-9a-f]{40})\t(.*)$/s.exec(entry);
      return m ? [{ mode: m[1] as string, id: m[3] as string, path: m[4] as string }] : [];
    });
}

/** `git cat-file --batch`: `<id> <type> <size>\n<bytes>\n` per object. Submodule ids answer `missing`. */
async function readBlobs(gitDir: string, ids: string[]): Promise<Map<string, Buffer>> {
  const out = await runGit(['cat-file', '--batch'], { cwd: gitDir, input: `${ids.join('\n')}\n` });
  const blobs = new Map<string, Buffer>();
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(0x0a, at);
    const [id = '', type, size] = out.subarray(at, eol).toString('utf8').split(' ');
    at = eol + 1;
    if (type === 'missing' || size === undefined) continue;
    blobs.set(id, Buffer.from(out.subarray(at, at + Number(size))));
    at += Number(size) + 1;
  }
  return blobs;
}
