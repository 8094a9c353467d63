import crypto from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { GateCheck } from '../gate-result.ts';
import { ARGOCD_NAMESPACE, check, errorText, HTTP_TIMEOUT_MS, repoUrl, type ChainContext } from './chain-context.ts';
import { GATE_LABEL } from './kube-links.ts';

/** The Gitea user Argo CD reads the canary's private repository as: it can read that repo only. */
export const readerName = (ctx: ChainContext) => `${ctx.m.app}-argocd`;

/** Argo CD's repository credential for the canary repo (argocd-repo-server reads it). */
export const credentialRef = (ctx: ChainContext): KubernetesObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `repo-${ctx.m.app}`, namespace: ARGOCD_NAMESPACE } });

const answer = (r: { status: number; body?: unknown }) => `HTTP ${r.status}${(r.body as { message?: string } | undefined)?.message ? `: ${(r.body as { message: string }).message}` : ''}`;

/**
 * Link 4a: a real Argo CD cannot read a private repository without a credential. The gate makes
 * a Gitea user that is a read collaborator of the canary repo only, mints it a `read:repository`
 * token (Gitea mints tokens over Basic auth only), and gives Argo CD that token in a repository
 * Secret. The user's password and token are never printed.
 */
export async function argocdCredential(ctx: ChainContext): Promise<GateCheck[]> {
  const gitea = ctx.deps.gitea();
  const name = `argocd: repository credential for ${ctx.m.gitea.owner}/${ctx.m.gitea.repo}`;
  if (!gitea) return [check(name, 'created', 'no sandbox Gitea configured (sandbox.gitea.url)', false)];
  const user = readerName(ctx);
  const password = crypto.randomBytes(24).toString('base64url');
  const created = await gitea.send('POST', '/api/v1/admin/users', { username: user, email: `${user}@lab-tui.invalid`, password, must_change_password: false, send_notify: false }, HTTP_TIMEOUT_MS);
  if (created.status !== 201)
    return [check(`gitea: read-only user ${user} for Argo CD`, 'created (201)', answer(created), false, created.status === 403 ? 'the canary makes Argo CD a read-only Gitea user: sandbox.gitea.tokenFile must hold a site admin\'s token' : undefined)];
  const collaborator = await gitea.send('PUT', `/api/v1/repos/${ctx.m.gitea.owner}/${ctx.m.gitea.repo}/collaborators/${user}`, { permission: 'read' }, HTTP_TIMEOUT_MS);
  if (collaborator.status !== 204) return [check(`gitea: ${user} reads ${ctx.m.gitea.repo}`, 'collaborator, read (204)', answer(collaborator), false)];
  const token = await gitea.send<{ sha1?: string }>('POST', `/api/v1/users/${user}/tokens`, { name: 'argocd', scopes: ['read:repository'] }, HTTP_TIMEOUT_MS, { user, password });
  if (token.status !== 201 || !token.body?.sha1) return [check(`gitea: read-only token for ${user}`, 'created (201)', answer(token), false)];
  const data = { type: 'git', url: repoUrl(ctx), username: user, password: token.body.sha1 };
  const secret = { ...credentialRef(ctx), metadata: { ...credentialRef(ctx).metadata, labels: { ...GATE_LABEL, 'argocd.argoproj.io/secret-type': 'repository' } }, type: 'Opaque', data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) };
  const kube = await ctx.deps.kube();
  try {
    await kube.createObject(secret as KubernetesObject);
  } catch (e) {
    return [check(name, 'created', errorText(e), false)];
  }
  return [check(name, `Secret ${ARGOCD_NAMESPACE}/repo-${ctx.m.app}, read-only token of ${user}`, `Secret ${ARGOCD_NAMESPACE}/repo-${ctx.m.app}, read-only token of ${user}`, true)];
}
