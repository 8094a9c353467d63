import type { GateCheck } from '../gate-result.ts';
import { check, HTTP_TIMEOUT_MS, type ChainContext } from './chain-context.ts';

/** Marks the repository as the gate's own, for whoever finds it left behind. */
export const CANARY_REPO_DESCRIPTION = 'Throwaway repository of the lab-tui canary gate; deleted after each run.';

const answer = (status: number, body: unknown) => `HTTP ${status}${(body as { message?: string } | undefined)?.message ? `: ${(body as { message: string }).message}` : ''}`;

export const deployFile = (ctx: ChainContext) => `${ctx.m.gitea.path}/${ctx.m.app}.yaml`;

/** Link 1: the app's repository exists in the sandbox Gitea and holds its deploy manifests. */
export async function giteaLink(ctx: ChainContext): Promise<GateCheck[]> {
  const gitea = ctx.deps.gitea();
  const { owner, repo } = ctx.m.gitea;
  const name = `gitea: repository ${owner}/${repo}`;
  if (!gitea) return [check(name, 'exists', 'no sandbox Gitea configured (sandbox.gitea.url)', false)];
  const created = await gitea.send<{ clone_url?: string }>('POST', `/api/v1/orgs/${owner}/repos`, { name: repo, description: CANARY_REPO_DESCRIPTION, private: true, auto_init: false, default_branch: 'main' }, HTTP_TIMEOUT_MS);
  if (created.status !== 201) return [check(name, 'created (201)', answer(created.status, created.body), false, created.status === 401 ? 'Gitea wants an API token: sandbox.gitea.tokenFile or tokenEnv' : undefined)];
  ctx.cloneUrl = created.body?.clone_url;
  const file = deployFile(ctx);
  const committed = await gitea.send('POST', `/api/v1/repos/${owner}/${repo}/contents/${file}`, { content: Buffer.from(ctx.m.deployText).toString('base64'), message: `canary gate: ${file}`, branch: 'main' }, HTTP_TIMEOUT_MS);
  if (committed.status !== 201) return [check(`gitea: commit ${file}`, 'committed (201)', answer(committed.status, committed.body), false)];
  const read = await gitea.getJson<{ type?: string }>(`/api/v1/repos/${owner}/${repo}/contents/${file}?ref=main`, HTTP_TIMEOUT_MS);
  const ok = read.status === 200 && read.body?.type === 'file';
  return [check(name, `exists, with ${file} on main`, ok ? `exists, with ${file} on main` : answer(read.status, read.body), ok)];
}
