// Gitea 1.22's API v1 response shapes for repos, contents and file commits.
import { API_USER, blobSha, treeSha, type Commit, type Gitea, type Repo } from '../world/gitea.ts';

const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function repoJson(gitea: Gitea, repo: Repo, base: string): object {
  const owner = { id: 1, login: repo.owner, username: repo.owner, full_name: 'Arcodange', email: '' };
  const head = gitea.branchHead(repo);
  return {
    id: repo.id,
    owner,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    description: repo.description,
    empty: head === undefined,
    private: repo.private,
    fork: false,
    mirror: false,
    archived: false,
    default_branch: repo.defaultBranch,
    html_url: `${base}/${repo.owner}/${repo.name}`,
    clone_url: `${base}/${repo.owner}/${repo.name}.git`,
    ssh_url: `git@gitea.sandbox.arcodange.lab:${repo.owner}/${repo.name}.git`,
    created_at: stamp(repo.createdAt),
    updated_at: stamp(head?.timestamp ?? repo.createdAt),
    size: head ? 1024 : 0,
  };
}

/** ContentsResponse: `withContent` for a file read, not for the entries of a directory listing. */
export function contentsJson(repo: Repo, commit: Commit, ref: string, path: string, base: string, withContent: boolean): object {
  const text = commit.files.get(path);
  const isFile = text !== undefined;
  const sha = isFile ? blobSha(text) : treeSha(commit.files, path);
  const api = `${base}/api/v1/repos/${repo.owner}/${repo.name}`;
  const self = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const git = `${api}/git/${isFile ? 'blobs' : 'trees'}/${sha}`;
  const html = `${base}/${repo.owner}/${repo.name}/src/branch/${ref}/${path}`;
  return {
    name: path.split('/').pop(),
    path,
    sha,
    last_commit_sha: commit.sha,
    type: isFile ? 'file' : 'dir',
    size: isFile ? Buffer.byteLength(text) : 0,
    encoding: isFile && withContent ? 'base64' : null,
    content: isFile && withContent ? Buffer.from(text).toString('base64') : null,
    target: null,
    url: self,
    html_url: html,
    git_url: git,
    download_url: isFile ? `${base}/${repo.owner}/${repo.name}/raw/branch/${ref}/${path}` : null,
    submodule_git_url: null,
    _links: { self, git, html },
  };
}

/** FileResponse of the contents API's create: the new file and the commit that added it. */
export function fileResponseJson(repo: Repo, commit: Commit, path: string, base: string, email: string): object {
  const api = `${base}/api/v1/repos/${repo.owner}/${repo.name}`;
  const person = { name: API_USER, email, date: stamp(commit.timestamp) };
  return {
    content: contentsJson(repo, commit, repo.defaultBranch, path, base, false),
    commit: {
      url: `${api}/git/commits/${commit.sha}`,
      sha: commit.sha,
      created: stamp(commit.timestamp),
      html_url: `${base}/${repo.owner}/${repo.name}/commit/${commit.sha}`,
      author: person,
      committer: person,
      parents: commit.parent ? [{ url: `${api}/git/commits/${commit.parent}`, sha: commit.parent }] : [],
      message: `${commit.message}\n`,
      tree: { url: `${api}/git/trees/${treeSha(commit.files)}`, sha: treeSha(commit.files) },
    },
    verification: { verified: false, reason: 'gpg.error.not_signed_commit', signature: '', signer: null, payload: '' },
  };
}

export function branchJson(repo: Repo, head: Commit, base: string): object {
  return { name: repo.defaultBranch, commit: { id: head.sha, message: `${head.message}\n`, timestamp: stamp(head.timestamp), url: `${base}/${repo.owner}/${repo.name}/commit/${head.sha}` }, protected: true };
}
