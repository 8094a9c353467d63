/**
 * Draft pull requests on the runbooks repository's forge (Gitea or GitHub) over plain `fetch`.
 *
 * Idempotent by design: a rerun finds the open PR for its branch instead of opening a second one,
 * and a "pull request already exists" answer (a race, or a retried POST that had in fact succeeded)
 * resolves to that PR too. The token goes into one header and nowhere else: errors name the request
 * by method and path only, and any echo of the token in a forge's answer is masked.
 */
export interface PullRequestRef {
  url: string;
  number: number;
}

export interface Forge {
  /** The open pull request whose head is `head` (a branch of the repository, or `owner:branch`). */
  findPr(head: string): Promise<PullRequestRef | undefined>;
  createDraftPr(o: { title: string; body: string; head: string; base: string }): Promise<PullRequestRef & { existed: boolean }>;
}

export interface ForgeClientOptions {
  owner: string;
  repo: string;
  token: string;
  /** The guard's fetch, whose sockets it judges when they connect: there is no unguarded default. */
  fetch: typeof fetch;
  /** Extra attempts after a 5xx answer or a network error. Default 2 (three tries in all). */
  retries?: number;
  /** Waits between attempts (200 ms, 400 ms, …); tests inject one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  /** The guard's re-check of the target, before every request (as for every adapter). */
  recheck?: () => void;
}

export class ForgeError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ForgeError';
  }
}

const BACKOFF_MS = 200;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Gitea's default (and usual maximum) page size. */
const GITEA_PAGE = 50;
const GITEA_MAX_PAGES = 20;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function giteaForge(o: ForgeClientOptions & { baseUrl: string }): Forge {
  const http = client('Gitea', o.baseUrl, o, {
    Authorization: `token ${o.token}`,
    'Content-Type': 'application/json',
    Accept: 'application/json',
  });
  const repoPath = `/api/v1/repos/${encodeURIComponent(o.owner)}/${encodeURIComponent(o.repo)}/pulls`;

  const findPr = async (head: string): Promise<PullRequestRef | undefined> => {
    const { owner, branch } = splitHead(head, o.owner);
    for (let page = 1; page <= GITEA_MAX_PAGES; page++) {
      const r = await http.request('GET', `${repoPath}?state=open&limit=${GITEA_PAGE}&page=${page}`);
      if (r.status !== 200) throw http.failure('GET', repoPath, r);
      const list = Array.isArray(r.json) ? (r.json as GiteaPull[]) : [];
      const hit = list.find((pr) => pr.head?.ref === branch && (!pr.head.repo?.owner?.login || same(pr.head.repo.owner.login, owner)));
      if (hit) return prRef(hit);
      if (list.length < GITEA_PAGE) return undefined;
    }
    return undefined;
  };

  return {
    findPr,
    async createDraftPr(pr) {
      const existing = await findPr(pr.head);
      if (existing) return { ...existing, existed: true };
      // Gitea has no draft flag: a title starting with `WIP:` marks a work-in-progress PR it will not merge.
      const title = /^\s*(WIP:|\[WIP\])/i.test(pr.title) ? pr.title : `WIP: ${pr.title}`;
      const r = await http.request('POST', repoPath, { title, body: pr.body, head: pr.head, base: pr.base });
      if (r.status === 201 || r.status === 200) return { ...prRef(r.json as GiteaPull), existed: false };
      if (r.status === 409) return alreadyExists('Gitea', findPr, pr.head, r.status);
      throw http.failure('POST', repoPath, r);
    },
  };
}

export function githubForge(o: ForgeClientOptions & { apiUrl?: string }): Forge {
  const http = client('GitHub', o.apiUrl ?? 'https://api.github.com', o, {
    Authorization: `Bearer ${o.token}`,
    Accept: 'application/vnd.github+json',
    'X-GitHub-Api-Version': '2022-11-28',
    'Content-Type': 'application/json',
    'User-Agent': 'lab-tui',
  });
  const repoPath = `/repos/${encodeURIComponent(o.owner)}/${encodeURIComponent(o.repo)}/pulls`;

  const findPr = async (head: string): Promise<PullRequestRef | undefined> => {
    const { owner, branch } = splitHead(head, o.owner);
    const query = new URLSearchParams({ state: 'open', head: `${owner}:${branch}` });
    const r = await http.request('GET', `${repoPath}?${query}`);
    if (r.status !== 200) throw http.failure('GET', repoPath, r);
    const first = Array.isArray(r.json) ? (r.json[0] as GitHubPull | undefined) : undefined;
    return first ? prRef(first) : undefined;
  };

  return {
    findPr,
    async createDraftPr(pr) {
      const existing = await findPr(pr.head);
      if (existing) return { ...existing, existed: true };
      const r = await http.request('POST', repoPath, { title: pr.title, body: pr.body, head: pr.head, base: pr.base, draft: true });
      if (r.status === 201 || r.status === 200) return { ...prRef(r.json as GitHubPull), existed: false };
      // 422 covers every validation failure ("No commits between …" too): only this one is a success.
      if (r.status === 422 && /pull request already exists/i.test(forgeMessage(r.json))) return alreadyExists('GitHub', findPr, pr.head, r.status);
      throw http.failure('POST', repoPath, r);
    },
  };
}

interface GiteaPull {
  number: number;
  html_url: string;
  head?: { ref?: string; repo?: { owner?: { login?: string } } | null };
}
type GitHubPull = Pick<GiteaPull, 'number' | 'html_url'>;

interface Answer {
  status: number;
  json: unknown;
  text: string;
}

interface Client {
  request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer>;
  failure(method: string, path: string, r: Answer): ForgeError;
}

function client(forge: string, baseUrl: string, o: ForgeClientOptions, headers: Record<string, string>): Client {
  const base = baseUrl.replace(/\/+$/, '');
  const doFetch = o.fetch;
  const sleep = o.sleep ?? wait;
  const retries = Math.max(0, o.retries ?? 2);
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Whatever a forge or the network says goes through this before it reaches an error message.
  const mask = (s: string) => (o.token ? s.split(o.token).join('[redacted]') : s);

  return {
    async request(method, path, body) {
      const where = `${method} ${path.replace(/\?.*$/, '')}`;
      for (let attempt = 0; ; attempt++) {
        o.recheck?.();
        let outcome: string;
        try {
          const res = await doFetch(`${base}${path}`, {
            method,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
            // Never followed: a redirect would carry the request (and its token) elsewhere.
            redirect: 'manual',
            signal: AbortSignal.timeout(timeoutMs),
          });
          const text = await res.text();
          if (res.status < 500) return { status: res.status, text, json: parseJson(text) };
          outcome = `answered ${res.status}${statusSuffix(parseJson(text), mask)}`;
          if (attempt >= retries) throw new ForgeError(`${forge}: ${where} ${outcome} (gave up after ${attempt + 1} tries)`, res.status);
        } catch (err) {
          // A refusal by the isolation guard is final: retrying would only be refused again.
          if (err instanceof ForgeError || (err as Error).name === 'GuardRefusal') throw err;
          outcome = `failed: ${mask(networkReason(err))}`;
          if (attempt >= retries) throw new ForgeError(`${forge}: ${where} ${outcome} (gave up after ${attempt + 1} tries)`);
        }
        await sleep(BACKOFF_MS * 2 ** attempt);
      }
    },
    failure(method, path, r) {
      const where = `${method} ${path.replace(/\?.*$/, '')}`;
      if (r.status === 401 || r.status === 403)
        return new ForgeError(`${forge}: the token was refused (${r.status}) for ${where}${statusSuffix(r.json, mask)}; check that it is valid and may write pull requests`, r.status);
      const said = mask(forgeMessage(r.json) || r.text.slice(0, 200).trim());
      return new ForgeError(`${forge}: ${where} answered ${r.status}${said ? `: ${said}` : ''}`, r.status);
    },
  };
}

async function alreadyExists(forge: string, findPr: Forge['findPr'], head: string, status: number): Promise<PullRequestRef & { existed: boolean }> {
  const found = await findPr(head);
  if (found) return { ...found, existed: true };
  throw new ForgeError(`${forge}: answered ${status}, a pull request already exists for ${head}, but no open pull request has that head`, status);
}

function splitHead(head: string, defaultOwner: string): { owner: string; branch: string } {
  const colon = head.indexOf(':');
  return colon === -1 ? { owner: defaultOwner, branch: head } : { owner: head.slice(0, colon), branch: head.slice(colon + 1) };
}

function prRef(pr: { number: number; html_url: string } | undefined): PullRequestRef {
  if (!pr || typeof pr.number !== 'number' || typeof pr.html_url !== 'string') throw new ForgeError('the forge answered without a pull request number and address');
  return { url: pr.html_url, number: pr.number };
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Gitea `{message}`, GitHub `{message, errors: [{message}]}`: the most specific words. */
function forgeMessage(json: unknown): string {
  if (!json || typeof json !== 'object') return '';
  const j = json as { message?: unknown; errors?: unknown };
  const details = Array.isArray(j.errors)
    ? j.errors.map((e) => (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : '')).filter(Boolean)
    : [];
  return [typeof j.message === 'string' ? j.message : '', ...details].filter(Boolean).join(': ');
}

function statusSuffix(json: unknown, mask: (s: string) => string): string {
  const said = mask(forgeMessage(json));
  return said ? `: ${said}` : '';
}

function networkReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return 'timed out';
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}
