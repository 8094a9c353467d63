import type { KubernetesObject } from '@kubernetes/client-node';
import type { VaultAdapter } from '../../adapters/vault.ts';
import { HTTP_TIMEOUT_MS, isVaultNotFound, type ChainContext } from './chain-context.ts';
import { credentialRef, readerName } from './argocd-credential.ts';
import { applicationRef, secretName } from './kube-links.ts';
import { ident } from './postgres-link.ts';

/** Everything the chain may have created, newest first, so dependents go before what they need. */
function kubeObjects(ctx: ChainContext): KubernetesObject[] {
  const namespace = ctx.m.argocd.namespace;
  const inApp = [...ctx.m.deploy].reverse().map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace } }));
  return [applicationRef(ctx), credentialRef(ctx), ...inApp, { apiVersion: 'v1', kind: 'Secret', metadata: { name: secretName(ctx), namespace } }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }];
}

/** client-node's discovery error for an apiVersion/kind the server does not serve. */
const UNKNOWN_KIND = /Unrecognized API version and kind/;

const label = (o: KubernetesObject) => `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;

/**
 * Removes what a run provisioned, in reverse chain order, tolerating what is already gone, and
 * returns what is still there afterwards (each with why) — an empty list means nothing is left.
 * Runs before a run (leftovers of one that was killed) and after it, on every exit path.
 */
export async function cleanUp(ctx: ChainContext): Promise<string[]> {
  const left: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      left.push(`${what}: ${(e as Error).message.split('\n')[0]}`);
    }
  };
  await attempt('kubernetes', () => cleanKube(ctx, left));
  const vault = ctx.deps.vault();
  const { policy, kubernetesRole, databaseRole } = ctx.m.vault;
  if (vault) {
    await attempt(`vault leases database/creds/${databaseRole.name}`, () => vault.write(`sys/leases/revoke-prefix/database/creds/${databaseRole.name}`, {}));
    for (const path of [`database/roles/${databaseRole.name}`, `auth/kubernetes/role/${kubernetesRole.name}`, `sys/policies/acl/${policy.name}`]) {
      await attempt(`vault ${path}`, async () => {
        await vault.remove(path).catch((e: unknown) => {
          if (!isVaultNotFound(e)) throw e;
        });
        const still = await vault.read(path).then(
          () => true,
          (e: unknown) => (isVaultNotFound(e) ? false : Promise.reject(e as Error)),
        );
        if (still) left.push(`vault ${path}`);
      });
    }
  }
  // After the role and its leases are gone: nothing is issued under the list being put back.
  if (vault) await attempt(`vault database/config/${ctx.m.vault.databaseRole.connection} allowed_roles`, () => restoreAllowedRoles(ctx, vault, left));
  const pg = ctx.deps.postgres();
  const { database, role } = ctx.m.postgres;
  if (pg) {
    await attempt(`postgres database ${database}`, () => pg.mutate(`DROP DATABASE IF EXISTS ${ident(database)} WITH (FORCE)`));
    await attempt(`postgres role ${role}`, () => pg.mutate(`DROP ROLE IF EXISTS ${ident(role)}`));
    await attempt('postgres', async () => {
      if ((await pg.query('SELECT datname FROM pg_database WHERE datname = $1', [database])).length) left.push(`postgres database ${database}`);
      if ((await pg.query('SELECT rolname FROM pg_roles WHERE rolname = $1', [role])).length) left.push(`postgres role ${role}`);
    });
  }
  const gitea = ctx.deps.gitea();
  const { owner, repo } = ctx.m.gitea;
  if (gitea) {
    const reader = readerName(ctx);
    await attempt(`gitea user ${reader}`, async () => {
      // 404: there is none. 403: this token cannot manage users, so it never made one (the link says so).
      const gone = await gitea.send('DELETE', `/api/v1/admin/users/${reader}?purge=true`, undefined, HTTP_TIMEOUT_MS);
      if (![204, 404, 403].includes(gone.status)) left.push(`gitea user ${reader}: HTTP ${gone.status}`);
    });
    await attempt(`gitea repository ${owner}/${repo}`, async () => {
      await gitea.send('DELETE', `/api/v1/repos/${owner}/${repo}`, undefined, HTTP_TIMEOUT_MS);
      if ((await gitea.getJson(`/api/v1/repos/${owner}/${repo}`, HTTP_TIMEOUT_MS)).status !== 404) left.push(`gitea repository ${owner}/${repo}`);
    });
  }
  return left;
}

/**
 * The Application goes first (its finalizer has ArgoCD delete what it synced; until then
 * self-heal would re-create anything removed by hand), then whatever remains.
 */
async function cleanKube(ctx: ChainContext, left: string[]): Promise<void> {
  const kube = await ctx.deps.kube();
  const objects = [];
  // A kind the API server does not serve (a typo in the deploy documents) cannot have objects.
  for (const o of kubeObjects(ctx)) if (!(await kube.readObject(o).then(() => false, (e: Error) => UNKNOWN_KIND.test(e.message) || Promise.reject(e)))) objects.push(o);
  for (const o of objects) if (await kube.deleteObject(o)) await waitGone(ctx, o);
  for (const o of objects) if (await kube.readObject(o)) left.push(`kubernetes ${label(o)}`);
  const namespace = ctx.m.argocd.namespace;
  const pods = async () => (await kube.core.listNamespacedPod({ namespace })).items.map((p) => `kubernetes Pod ${namespace}/${p.metadata?.name}`);
  const deadline = ctx.deps.now() + ctx.timeoutMs;
  while ((await pods()).length && ctx.deps.now() < deadline) await ctx.deps.sleep(ctx.pollMs);
  left.push(...(await pods()));
}

async function waitGone(ctx: ChainContext, o: KubernetesObject): Promise<void> {
  const kube = await ctx.deps.kube();
  const deadline = ctx.deps.now() + ctx.timeoutMs;
  while ((await kube.readObject(o)) && ctx.deps.now() < deadline) await ctx.deps.sleep(ctx.pollMs);
}

/**
 * The canary's role leaves the connection's allowed_roles: the exact list found before the run
 * goes back; when this process did not add it (a killed run did), the list loses just that role.
 */
async function restoreAllowedRoles(ctx: ChainContext, vault: VaultAdapter, left: string[]): Promise<void> {
  const { connection, name } = ctx.m.vault.databaseRole;
  const path = ctx.allowedRolesBefore?.path ?? `database/config/${connection}`;
  const read = async () => ((await vault.read(path)) as { data?: { allowed_roles?: string[] } }).data?.allowed_roles ?? [];
  const found = await read().catch((e: unknown) => (isVaultNotFound(e) ? undefined : Promise.reject(e as Error)));
  if (!found) return;
  const roles = ctx.allowedRolesBefore?.roles ?? (found.includes(name) ? found.filter((r) => r !== name) : undefined);
  if (!roles) return;
  await vault.write(path, { allowed_roles: roles });
  const now = await read();
  if (now.join(',') !== roles.join(',')) left.push(`vault ${path} allowed_roles: ${now.join(', ')} (was ${roles.join(', ') || 'none'})`);
  else ctx.allowedRolesBefore = undefined;
}

