import type { KubernetesObject, V1Pod, V1Secret } from '@kubernetes/client-node';
import { APP_HEALTH, APP_SYNCED, NODE_READY, POD_PHASE } from '../../health/fields-read.ts';
import type { GateCheck } from '../gate-result.ts';
import type { DeployObject } from './canary-manifest.ts';
import { ARGOCD_NAMESPACE, check, errorText, repoUrl, until, type ChainContext } from './chain-context.ts';

export const GATE_LABEL = { 'lab-tui/gate': 'canary' };

interface Application extends KubernetesObject {
  status?: { sync?: { status?: string }; health?: { status?: string; message?: string }; conditions?: { type: string; message: string }[]; operationState?: { phase?: string; message?: string } };
}

export const applicationRef = (ctx: ChainContext): KubernetesObject => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: ctx.m.argocd.application, namespace: ARGOCD_NAMESPACE } });

const deployed = (ctx: ChainContext, kind: string): DeployObject => ctx.m.deploy.find((o) => o.kind === kind) as DeployObject;

/** The VaultDynamicSecret's destination: the Secret VSO writes for the pod. */
export const secretName = (ctx: ChainContext) => ((deployed(ctx, 'VaultDynamicSecret').spec?.destination as { name?: string } | undefined)?.name ?? '');

function application(ctx: ChainContext, repoURL: string): KubernetesObject {
  const { application: name, project, namespace } = ctx.m.argocd;
  return {
    ...applicationRef(ctx),
    metadata: { name, namespace: ARGOCD_NAMESPACE, labels: GATE_LABEL, finalizers: ['resources-finalizer.argocd.argoproj.io'] },
    spec: {
      project,
      source: { repoURL, path: ctx.m.gitea.path, targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc', namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
    },
  } as KubernetesObject;
}

function appState(a: Application | undefined): string {
  if (!a) return 'Application missing';
  const s = a.status;
  const problem = s?.conditions?.find((c) => /Error$/.test(c.type))?.message ?? (s?.operationState?.phase === 'Failed' || s?.operationState?.phase === 'Error' ? s.operationState.message : undefined);
  return `${s?.sync?.status ?? 'Unknown'}/${s?.health?.status ?? 'Unknown'}${problem ? `: ${problem}` : ''}`;
}

/** Link 4: ArgoCD takes the app from its repository and syncs it (health is confirmed once the pod runs). */
export async function argocdLink(ctx: ChainContext): Promise<GateCheck[]> {
  const kube = await ctx.deps.kube();
  const name = `argocd: Application ${ctx.m.argocd.application}`;
  try {
    await kube.createObject(application(ctx, repoUrl(ctx)));
  } catch (e) {
    return [check(`argocd: create Application ${ctx.m.argocd.application}`, 'created', errorText(e), false)];
  }
  const seen = await until(ctx, async () => {
    const a = await kube.readObject<Application>(applicationRef(ctx));
    const ok = a?.status?.sync?.status === APP_SYNCED && !a.status.conditions?.some((c) => /Error$/.test(c.type)) && !([APP_HEALTH.missing, APP_HEALTH.degraded] as string[]).includes(a.status.health?.status ?? '');
    return check(name, APP_SYNCED, appState(a), ok);
  });
  return [seen];
}

/** After the pod: the Application is Synced and Healthy as a whole. */
export async function argocdHealthy(ctx: ChainContext): Promise<GateCheck[]> {
  const kube = await ctx.deps.kube();
  const seen = await until(ctx, async () => {
    const a = await kube.readObject<Application>(applicationRef(ctx));
    return check(`argocd: Application ${ctx.m.argocd.application}`, `${APP_SYNCED}/${APP_HEALTH.healthy}`, appState(a), a?.status?.sync?.status === APP_SYNCED && a.status.health?.status === APP_HEALTH.healthy);
  });
  return [seen];
}

/** Link 5: VSO logged in to Vault and wrote the dynamic database credentials into the app's Secret. */
export async function vsoLink(ctx: ChainContext): Promise<GateCheck[]> {
  const kube = await ctx.deps.kube();
  const namespace = ctx.m.argocd.namespace;
  const secret = secretName(ctx);
  const vds = deployed(ctx, 'VaultDynamicSecret').metadata.name;
  const seen = await until(ctx, async () => {
    const s = await kube.readObject<V1Secret>({ apiVersion: 'v1', kind: 'Secret', metadata: { name: secret, namespace } });
    // Only the key names are looked at: the values are live database credentials.
    const keys = Object.keys(s?.data ?? {});
    const ok = keys.includes('username') && keys.includes('password');
    if (ok) return check(`vso: Secret ${namespace}/${secret}`, 'injected (username, password)', 'injected (username, password)', true);
    return check(`vso: Secret ${namespace}/${secret}`, 'injected (username, password)', s ? `present without credentials (${keys.join(', ') || 'empty'})` : `missing${await lastWarning(ctx, vds)}`, false);
  });
  return [seen];
}

/** What VSO said about the VaultDynamicSecret last, to name why it did not inject. */
async function lastWarning(ctx: ChainContext, object: string): Promise<string> {
  const kube = await ctx.deps.kube();
  const events = await kube.core.listNamespacedEvent({ namespace: ctx.m.argocd.namespace }).catch(() => undefined);
  const last = events?.items.filter((e) => e.involvedObject.name === object && e.type === 'Warning').at(-1);
  return last ? `; VSO: ${last.reason}: ${(last.message ?? '').split('\n').filter(Boolean).at(-1)}` : '';
}

/** Link 6: the app's pod runs, ready, with the injected Secret in its environment. */
export async function podLink(ctx: ChainContext): Promise<GateCheck[]> {
  const kube = await ctx.deps.kube();
  const namespace = ctx.m.argocd.namespace;
  const deployment = deployed(ctx, 'Deployment');
  const labels = ((deployment.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {}) as Record<string, string>;
  const selector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  const secret = secretName(ctx);
  const name = `pod: ${namespace}/${deployment.metadata.name}`;
  const seen = await until(ctx, async () => {
    const pods = (await kube.core.listNamespacedPod({ namespace, labelSelector: selector })).items.filter((p) => !p.metadata?.deletionTimestamp);
    const running = pods.find((p) => p.status?.phase === POD_PHASE.running && p.status.conditions?.some((c) => c.type === NODE_READY.type && c.status === NODE_READY.status));
    if (!running) return check(name, `Running with ${secret}`, pods.length ? podProblem(pods) : 'no pod', false);
    const uses = running.spec?.containers.some((c) => c.envFrom?.some((e) => e.secretRef?.name === secret) || c.env?.some((e) => e.valueFrom?.secretKeyRef?.name === secret));
    return check(name, `Running with ${secret}`, uses ? `Running with ${secret}` : `Running without ${secret}`, !!uses);
  });
  return [seen];
}

function podProblem(pods: V1Pod[]): string {
  const p = pods[0] as V1Pod;
  const waiting = p.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting;
  if (waiting) return `${p.metadata?.name} ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
  return `${p.metadata?.name} ${p.status?.phase ?? 'Pending'}, not ready`;
}
