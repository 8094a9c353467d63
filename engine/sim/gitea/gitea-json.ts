// Gitea 1.22's API v1 response shapes (services/convert) for repos, branches, contents, file
// commits and pull requests; tests check them against Gitea's swagger document.
import { treeId, type Commit, type Person } from '../git/git-objects.ts';
import { API_USER, type Gitea, type Pull, type Repo } from '../world/gitea.ts';

const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The token's user: lab-tui's account on the sandbox Gitea (the org is id 1), without an avatar of its own. */
export function userJson(gitea: Gitea, base: string): object {
  const { name, email } = gitea.apiUser;
  return { id: 2, login: name, login_name: '', full_name: '', email, avatar_url: `${base}/assets/img/avatar_default.png`, html_url: `${base}/${name}`, username: name, active: true, is_admin: false, restricted: false, prohibit_login: false, visibility: 'public' };
}

export function repoJson(gitea: Gitea, repo: Repo, base: string): object {
  const owner = { id: 1, login: repo.owner, username: repo.owner, full_name: 'Arcodange', email: '' };
  const head = gitea.branchHead(repo);
  return {
    id: repo.id,
    owner,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    description: repo.description,
    empty: repo.branches.size === 0,
    private: repo.private,
    fork: false,
    mirror: false,
    archived: false,
    default_branch: repo.defaultBranch,
    html_url: `${base}/${repo.owner}/${repo.name}`,
    clone_url: `${base}/${repo.owner}/${repo.name}.git`,
    ssh_url: `git@gitea.sandbox.arcodange.lab:${repo.owner}/${repo.name}.git`,
    created_at: stamp(repo.createdAt),
    updated_at: stamp(head?.committer.at ?? repo.createdAt),
    size: head ? 1024 : 0,
    has_pull_requests: true,
    open_pr_counter: repo.pulls.length,
  };
}

/** The newest commit from `commit` (first parents) that changed `path`: Gitea's `last_commit_sha`. */
function lastCommitFor(repo: Repo, commit: Commit, path: string): Commit {
  const at = (c: Commit) => c.files.get(path)?.id ?? treeId(c.files, path);
  let c = commit;
  for (let parent = repo.commits.get(c.parents[0] ?? ''); parent && at(parent) === at(c); parent = repo.commits.get(c.parents[0] ?? '')) c = parent;
  return c;
}

/** ContentsResponse: `withContent` for a file read, not for the entries of a directory listing. */
export function contentsJson(repo: Repo, commit: Commit, ref: string, path: string, base: string, withContent: boolean): object {
  const file = commit.files.get(path);
  const type = !file ? 'dir' : file.mode === '120000' ? 'symlink' : file.mode === '160000' ? 'submodule' : 'file';
  const sha = file ? file.id : treeId(commit.files, path);
  const api = `${base}/api/v1/repos/${repo.owner}/${repo.name}`;
  const self = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const git = `${api}/git/${file ? 'blobs' : 'trees'}/${sha}`;
  const html = `${base}/${repo.owner}/${repo.name}/src/branch/${ref}/${path}`;
  const content = type === 'file' && withContent;
  return {
    name: path.split('/').pop(),
    path,
    sha,
    last_commit_sha: lastCommitFor(repo, commit, path).sha,
    type,
    size: file ? file.data.length : 0,
    encoding: content ? 'base64' : null,
    content: content ? file?.data.toString('base64') : null,
    target: type === 'symlink' ? file?.data.toString('utf8') : null,
    url: self,
    html_url: html,
    git_url: git,
    download_url: type === 'file' ? `${base}/${repo.owner}/${repo.name}/raw/branch/${ref}/${path}` : null,
    submodule_git_url: null,
    _links: { self, git, html },
  };
}

const person = (p: Person) => ({ name: p.name, email: p.email, date: stamp(p.at) });
const verification = { verified: false, reason: 'gpg.error.not_signed_commit', signature: '', signer: null, payload: '' };

/** FileResponse of the contents API's create: the new file and the commit that added it. */
export function fileResponseJson(repo: Repo, commit: Commit, branch: string, path: string, base: string): object {
  const api = `${base}/api/v1/repos/${repo.owner}/${repo.name}`;
  return {
    content: contentsJson(repo, commit, branch, path, base, false),
    commit: {
      url: `${api}/git/commits/${commit.sha}`,
      sha: commit.sha,
      created: stamp(commit.committer.at),
      html_url: `${base}/${repo.owner}/${repo.name}/commit/${commit.sha}`,
      author: person(commit.author),
      committer: person(commit.committer),
      parents: commit.parents.map((sha) => ({ url: `${api}/git/commits/${sha}`, sha })),
      message: `${commit.message}\n`,
      tree: { url: `${api}/git/trees/${commit.tree}`, sha: commit.tree },
    },
    verification,
  };
}

/** Branch: no branch protection in the lab; the signed user may push and merge. */
export function branchJson(repo: Repo, name: string, head: Commit, base: string, signed: boolean): object {
  const user = (p: Person) => ({ name: p.name, email: p.email, username: p.name === API_USER ? API_USER : '' });
  return {
    name,
    commit: {
      id: head.sha,
      message: `${head.message}\n`,
      url: `${base}/${repo.owner}/${repo.name}/commit/${head.sha}`,
      author: user(head.author),
      committer: user(head.committer),
      verification,
      timestamp: stamp(head.committer.at),
      added: null,
      removed: null,
      modified: null,
    },
    protected: false,
    required_approvals: 0,
    enable_status_check: false,
    status_check_contexts: [],
    user_can_push: signed,
    user_can_merge: signed,
    effective_branch_protection_name: '',
  };
}

/** Gitea has no draft flag: a title starting with a work-in-progress prefix (`WIP:`, `[WIP]`) is one. */
const isWorkInProgress = (title: string) => ['WIP:', '[WIP]'].some((prefix) => title.toUpperCase().startsWith(prefix));

/**
 * PullRequest (convert.ToAPIPullRequest). `additions`, `deletions` and `changed_files` are left
 * out, as Gitea does when it cannot compute the diff's short stat: lab-sim does not diff.
 */
export function pullJson(gitea: Gitea, repo: Repo, pull: Pull, base: string): object {
  const html = `${base}/${repo.owner}/${repo.name}/pulls/${pull.number}`;
  const branch = (name: string) => ({ label: name, ref: name, sha: gitea.tip(repo, name)?.sha ?? '', repo_id: repo.id, repo: repoJson(gitea, repo, base) });
  return {
    id: pull.id,
    url: html,
    number: pull.number,
    user: userJson(gitea, base),
    title: pull.title,
    body: pull.body,
    labels: [],
    milestone: null,
    assignee: null,
    assignees: null,
    requested_reviewers: null,
    state: 'open',
    draft: isWorkInProgress(pull.title),
    is_locked: false,
    comments: 0,
    review_comments: 0,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    mergeable: true,
    merged: false,
    merged_at: null,
    merge_commit_sha: null,
    merged_by: null,
    allow_maintainer_edit: false,
    base: branch(pull.base),
    head: branch(pull.head),
    merge_base: pull.mergeBase,
    due_date: null,
    created_at: stamp(pull.createdAt),
    updated_at: stamp(pull.createdAt),
    closed_at: null,
    pin_order: 0,
  };
}
