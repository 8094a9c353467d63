// The contents API (repoGetContents, repoGetContentsList, repoCreateFile), read from the commits
// lab-sim mirrors and written as real commits.
import { isDir } from '../git/git-objects.ts';
import type { Repo } from '../world/gitea.ts';
import { contentsJson, fileResponseJson } from './gitea-json.ts';
import { type ApiContext, type Body, failure, notFound, required } from './gitea-reply.ts';

/** A file: its ContentsResponse with `content`; a directory: its entries (no content); 404 otherwise. */
export function readContents(ctx: ApiContext, repo: Repo, path: string, ref: string | null): object {
  const commit = ctx.gitea.resolve(repo, ref);
  const missing = () => notFound(ctx, { errors: [`object does not exist [id: ${ref ?? ''}, rel_path: ${path}]`] });
  if (!commit) throw missing();
  const name = ref || repo.defaultBranch;
  if (commit.files.has(path)) return contentsJson(repo, commit, name, path, ctx.baseUrl(), true);
  if (!isDir(commit.files, path)) throw missing();
  const prefix = path ? `${path}/` : '';
  const children = new Set<string>();
  for (const file of commit.files.keys()) {
    if (file.startsWith(prefix)) children.add(prefix + (file.slice(prefix.length).split('/')[0] as string));
  }
  return [...children].sort().map((child) => contentsJson(repo, commit, name, child, ctx.baseUrl(), false));
}

/** A commit adding one file on `branch` (the default branch); `new_branch` is not modelled. */
export async function createFile(ctx: ApiContext, repo: Repo, path: string, body: Body): Promise<object> {
  const { gitea } = ctx;
  if (typeof body.content !== 'string') throw required('ContentBase64');
  if (path === '' || path.split('/').some((s) => s === '' || s === '.' || s === '..') || /[\0-\x1f]/.test(path)) throw failure(ctx, 422, `path contains a malformed path component [path: ${path}]`);
  if (body.new_branch !== undefined && body.new_branch !== body.branch) throw failure(ctx, 422, 'lab-sim commits to an existing branch only (new_branch is not modelled)');
  const branch = typeof body.branch === 'string' && body.branch ? body.branch : repo.defaultBranch;
  const tip = gitea.tip(repo, branch);
  // An empty repository's first commit creates its default branch.
  if (!tip && !(branch === repo.defaultBranch && repo.branches.size === 0)) throw failure(ctx, 404, `branch does not exist [name: ${branch}]`);
  const base64 = body.content.replace(/[\r\n]/g, '');
  const bad = /[^A-Za-z0-9+/=]|=[^=]/.exec(base64);
  if (bad || base64.length % 4 !== 0) throw failure(ctx, 422, `illegal base64 data at input byte ${bad?.index ?? base64.length}`);
  const files = tip?.files ?? new Map();
  if (files.has(path)) throw failure(ctx, 422, `repository file already exists [path: ${path}]`);
  const parents = path.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  const fileAsDir = parents.find((p) => files.has(p));
  if (fileAsDir) throw failure(ctx, 422, `a file exists where you’re trying to create a subdirectory [path: ${fileAsDir}]`);
  if (isDir(files, path)) throw failure(ctx, 422, `a directory exists where you’re trying to create a file [path: ${path}]`);
  const message = typeof body.message === 'string' && body.message ? body.message : `Add ${path}`;
  const commit = await gitea.commit(repo, { branch, changes: [{ path, data: Buffer.from(base64, 'base64') }], message });
  ctx.afterWrite();
  return fileResponseJson(repo, commit, branch, path, ctx.baseUrl());
}
