import type { KubernetesObject, V1Container, VersionInfo } from '@kubernetes/client-node';
import type { HttpService } from '../adapters/http-service.ts';
import type { KubeAdapter } from '../adapters/kube.ts';
import type { PostgresAdapter } from '../adapters/postgres.ts';
import type { VaultAdapter } from '../adapters/vault.ts';
import { within } from '../common/within.ts';
import type { GateCheck, GateResult } from './gate-result.ts';
import type { ParityManifest } from './parity-manifest.ts';
import { isRefusal } from '../common/refusal.ts';

/**
 * Where the parity gate reads the live sandbox: the guarded adapters (`sandbox.kube()`, …).
 * An optional source that is absent, or returns undefined, fails its checks as "not configured".
 */
export interface ParitySources {
  kube(): Promise<KubeAdapter>;
  vault?(): VaultAdapter | undefined;
  postgres?(): PostgresAdapter | undefined;
  gitea?(): HttpService | undefined;
}

/** Where prod (and so the sandbox) runs each component: fixed by the charts the lab installs. */
export const PARITY_TARGETS = {
  longhorn: { namespace: 'longhorn-system', daemonSet: 'longhorn-manager' },
  vso: { namespace: 'vault-secrets-operator', deployment: 'vault-secrets-operator-controller-manager', image: 'vault-secrets-operator' },
  argocdNamespace: 'argocd',
} as const;

const APPLICATIONS = { group: 'argoproj.io', version: 'v1alpha1', plural: 'applications' };
const LONGHORN_VOLUMES = { group: 'longhorn.io', version: 'v1beta2', plural: 'volumes' };
/** Each live read gets this long; a hung component fails its checks instead of hanging the gate. */
const READ_TIMEOUT_MS = 10_000;
/** How many drifts the one-line summary names before `…`. */
const SUMMARY_DRIFTS = 3;

/**
 * The tag of a container image reference, without registry, repository or digest:
 * `registry:5000/longhornio/longhorn-manager:v1.7.2@sha256:…` → `v1.7.2`. Undefined when the
 * reference has no tag (`repo@sha256:…`, `registry:5000/repo`).
 */
export function imageTag(image: string): string | undefined {
  const ref = image.trim().split('@')[0]!;
  const colon = ref.lastIndexOf(':');
  // A colon before the last slash is a registry port, not a tag.
  if (colon < 0 || colon < ref.lastIndexOf('/')) return undefined;
  return ref.slice(colon + 1) || undefined;
}

/** The repository path of an image reference, without tag or digest: `longhornio/longhorn-manager`. */
function imageRepository(image: string): string {
  const ref = image.trim().split('@')[0]!;
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref;
}

/** The container that runs `component`: the one whose image or name says so, else the only one. */
function componentContainer(containers: V1Container[] | undefined, component: string): V1Container | undefined {
  const list = containers ?? [];
  return (
    list.find((c) => imageRepository(c.image ?? '').split('/').pop() === component) ??
    list.find((c) => c.name === component || c.name === 'manager') ??
    (list.length === 1 ? list[0] : undefined)
  );
}

/** A failed read says which source was down when it is the whole source (`kubernetes`), not one object. */
type Read<T> = { ok: true; value: T } | { ok: false; error: string; source?: string; /** The HTTP status, when the server answered. */ status?: number };

/** One line, short: what went wrong when reading a source (HTTP status and API message, or the socket error). */
export function describeError(e: unknown): string {
  const err = e as { code?: unknown; body?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (typeof err?.code === 'number' && err.body !== undefined) {
    let body = err.body as { message?: unknown } | string;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body) as { message?: unknown };
      } catch {
        /* a plain-text body */
      }
    }
    const msg = typeof body === 'string' ? body : typeof body?.message === 'string' ? body.message : '';
    return clip(`HTTP ${err.code}${msg ? `: ${msg}` : ''}`);
  }
  let msg = e instanceof Error ? e.message : typeof err?.message === 'string' ? err.message : String(e);
  // fetch() says only "fetch failed"; the socket error is in the cause.
  const cause = err?.cause;
  if (cause && typeof cause.message === 'string' && !msg.includes(cause.message)) msg = `${msg}: ${cause.message}`;
  else if (cause && typeof cause.code === 'string' && !msg.includes(cause.code)) msg = `${msg} (${cause.code})`;
  return clip(msg);
}

function clip(s: string): string {
  const line = s.split('\n')[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}


async function read<T>(what: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await within(what(), READ_TIMEOUT_MS, `no answer within ${READ_TIMEOUT_MS / 1000} s`) };
  } catch (e) {
    // A guard refusal is not drift: the target is not the sandbox, so it propagates (the CLI exits 3).
    if (isRefusal(e)) throw e;
    const status = (e as { code?: unknown })?.code;
    return { ok: false, error: describeError(e), ...(typeof status === 'number' ? { status } : {}) };
  }
}

function validate(m: ParityManifest): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const app of m.argocd.apps) {
    if (!app.trim()) problems.push('argocd.apps has an empty name');
    else if (seen.has(app)) problems.push(`argocd.apps lists ${app} twice`);
    seen.add(app);
  }
  if (!m.argocd.root.trim()) problems.push('argocd.root is empty');
  if (seen.has(m.argocd.root)) problems.push(`argocd.apps lists the root ${m.argocd.root}: the root is not its own child`);
  for (const [k, v] of Object.entries({ 'kubernetes.version': m.kubernetes.version, ...Object.fromEntries(Object.entries(m.components).map(([c, v]) => [`components.${c}`, v])) }))
    if (!v.trim()) problems.push(`${k} is empty`);
  if (problems.length) throw new Error(`parity manifest: ${problems.join('; ')}`);
}

interface Drift {
  check: GateCheck;
  /** How the summary names it when it fails. */
  drift: string;
}

function versionCheck(name: string, expected: string, r: Read<string | undefined>, detail?: string): Drift {
  if (!r.ok) return unreachable(name, expected, r.error, r.source);
  const observed = r.value ?? '(no version reported)';
  const ok = r.value === expected;
  return { check: { name, expected, observed, ok, ...(detail ? { detail } : {}) }, drift: `${name} ${observed} ≠ ${expected}` };
}

function unreachable(name: string, expected: string, error: string, source = name): Drift {
  return { check: { name, expected, observed: `unreachable: ${error}`, ok: false }, drift: `${source} unreachable (${error})` };
}

function notConfigured(name: string, expected: string, what: string): Drift {
  return { check: { name, expected, observed: `not configured (${what})`, ok: false }, drift: `${name} not configured` };
}

const namesOf = (items: { metadata?: { namespace?: string; name?: string } }[]) => items.map((o) => o.metadata?.name ?? '');
const inClusterHost = (host: string) => /\.svc(\.cluster\.local)?\.?$/i.test(host) || /\.cluster\.local\.?$/i.test(host);

/**
 * Compares the live sandbox with what prod runs. One check per expectation; a component that
 * cannot be reached fails its own checks (the error as `observed`) and the others still report.
 * Throws only for a manifest that makes no sense (and lets a guard refusal through).
 */
export async function parityGate(m: ParityManifest, s: ParitySources, now: Date = new Date()): Promise<GateResult> {
  validate(m);
  const at = now.toISOString();
  const vault = s.vault?.();
  const postgres = s.postgres?.();
  const gitea = s.gitea?.();
  const outside = m.outsideCluster ?? {};
  const outsideReads = Promise.all([
    vault ? read(() => vault.sealStatus()) : undefined,
    outside.postgres && postgres ? read(async () => (await postgres.query<{ server_version?: string }>('SHOW server_version', [], { timeoutMs: READ_TIMEOUT_MS }))[0]?.server_version) : undefined,
    outside.gitea && gitea ? read(() => gitea.getJson<{ version?: string }>('/api/v1/version', 5000)) : undefined,
  ]);

  // The API server first: when it does not answer at all (the adapter may be connected from
  // before), every Kubernetes check fails with that one error instead of nine variants of it.
  const connected = await read(() => s.kube());
  let adapter: Read<KubeAdapter>;
  let apiVersion: Read<VersionInfo>;
  if (!connected.ok) adapter = apiVersion = { ...connected, source: 'kubernetes' };
  else {
    const k = connected.value;
    apiVersion = await read(() => k.version.getCode());
    adapter = !apiVersion.ok && apiVersion.status === undefined ? (apiVersion = { ...apiVersion, source: 'kubernetes' }) : connected;
  }
  const fromKube = <T>(f: (k: KubeAdapter) => Promise<T>): Promise<Read<T>> => (adapter.ok ? read(() => f(adapter.value)) : Promise.resolve(adapter));

  const [nodes, longhornDs, longhornVolumes, vsoDeployment, applications, deployments, statefulSets] = await Promise.all([
    fromKube((k) => k.core.listNode()),
    fromKube((k) => k.apps.readNamespacedDaemonSet({ namespace: PARITY_TARGETS.longhorn.namespace, name: PARITY_TARGETS.longhorn.daemonSet })),
    fromKube((k) => k.listCustom(LONGHORN_VOLUMES)),
    fromKube((k) => k.apps.readNamespacedDeployment({ namespace: PARITY_TARGETS.vso.namespace, name: PARITY_TARGETS.vso.deployment })),
    fromKube((k) => k.listCustom(APPLICATIONS)),
    fromKube((k) => k.apps.listDeploymentForAllNamespaces()),
    fromKube((k) => k.apps.listStatefulSetForAllNamespaces()),
  ]);
  const [vaultStatus, pgVersion, giteaVersion] = await outsideReads;

  const out: Drift[] = [];

  // Kubernetes: node count, each kubelet, the API server.
  const k8s = m.kubernetes.version;
  if (!nodes.ok) {
    out.push(unreachable('nodes', String(m.kubernetes.nodes), nodes.error, nodes.source));
    out.push(unreachable('kubelet', k8s, nodes.error, nodes.source));
  } else {
    const items = nodes.value.items;
    const names = namesOf(items);
    out.push({ check: { name: 'nodes', expected: String(m.kubernetes.nodes), observed: String(items.length), ok: items.length === m.kubernetes.nodes, detail: names.join(', ') || '(none)' }, drift: `nodes ${items.length} ≠ ${m.kubernetes.nodes}` });
    if (!items.length) out.push({ check: { name: 'kubelet', expected: k8s, observed: 'no nodes', ok: false }, drift: 'kubelet: no nodes' });
    for (const n of items) out.push(versionCheck(`kubelet on ${n.metadata?.name ?? '?'}`, k8s, { ok: true, value: n.status?.nodeInfo?.kubeletVersion }));
  }
  out.push(versionCheck('k3s api server', k8s, apiVersion.ok ? { ok: true, value: apiVersion.value.gitVersion } : apiVersion));

  // Longhorn: the manager's image tag, and the engine image the volumes run.
  const lhTarget = `${PARITY_TARGETS.longhorn.namespace}/${PARITY_TARGETS.longhorn.daemonSet}`;
  if (!longhornDs.ok) out.push(unreachable('longhorn', m.components.longhorn, longhornDs.source ? longhornDs.error : `DaemonSet ${lhTarget}: ${longhornDs.error}`, longhornDs.source));
  else {
    const c = componentContainer(longhornDs.value.spec?.template.spec?.containers, PARITY_TARGETS.longhorn.daemonSet);
    const tag = c?.image ? imageTag(c.image) : undefined;
    const observedTag = c?.image ? (tag ?? `(no tag: ${c.image})`) : `(no ${PARITY_TARGETS.longhorn.daemonSet} container in DaemonSet ${lhTarget})`;
    const lines = [`DaemonSet ${lhTarget}: ${c?.image ?? '?'}`];
    let volumesOk = true;
    if (!longhornVolumes.ok) lines.push(`volumes: ${longhornVolumes.error}`);
    else {
      const off = (longhornVolumes.value as (KubernetesObject & { spec?: { image?: string } })[]).filter((v) => v.spec?.image && imageTag(v.spec.image) !== m.components.longhorn);
      for (const v of off) lines.push(`volume ${v.metadata?.name}: engine ${v.spec?.image}`);
      volumesOk = off.length === 0;
      if (!volumesOk) lines.push(`${off.length} volume(s) run another engine image`);
    }
    const ok = tag === m.components.longhorn && volumesOk;
    const observed = tag === m.components.longhorn && !volumesOk ? `${observedTag} (volume engines differ)` : observedTag;
    out.push({ check: { name: 'longhorn', expected: m.components.longhorn, observed, ok, detail: lines.join('\n') }, drift: `longhorn ${observed} ≠ ${m.components.longhorn}` });
  }

  // Vault: the version its seal status (sys/seal-status, like sys/health) reports; sealed or not.
  if (!vault) out.push(notConfigured('vault', m.components.vault, 'sandbox.vault'));
  else if (!vaultStatus!.ok) out.push(unreachable('vault', m.components.vault, vaultStatus!.error));
  else out.push(versionCheck('vault', m.components.vault, { ok: true, value: vaultStatus!.value.version }, `${vault.address}${vaultStatus!.value.sealed ? ' (sealed)' : ''}`));

  // VSO: the controller-manager's image tag.
  const vsoTarget = `${PARITY_TARGETS.vso.namespace}/${PARITY_TARGETS.vso.deployment}`;
  if (!vsoDeployment.ok) out.push(unreachable('vso', m.components.vso, vsoDeployment.source ? vsoDeployment.error : `Deployment ${vsoTarget}: ${vsoDeployment.error}`, vsoDeployment.source));
  else {
    const c = componentContainer(vsoDeployment.value.spec?.template.spec?.containers, PARITY_TARGETS.vso.image);
    const tag = c?.image ? imageTag(c.image) : undefined;
    const observed = c?.image ? (tag ?? `(no tag: ${c.image})`) : `(no ${PARITY_TARGETS.vso.image} container in Deployment ${vsoTarget})`;
    out.push({ check: { name: 'vso', expected: m.components.vso, observed, ok: tag === m.components.vso, detail: `Deployment ${vsoTarget}: ${c?.image ?? '?'}` }, drift: `vso ${observed} ≠ ${m.components.vso}` });
  }

  // ArgoCD: the app-of-apps root, and exactly the manifest's children.
  const rootName = `argocd root ${m.argocd.root}`;
  const appsExpected = [...m.argocd.apps].sort();
  if (!applications.ok) {
    out.push(unreachable(rootName, 'present', applications.error, applications.source));
    out.push(unreachable('argocd apps', appsExpected.join(', '), applications.error, applications.source));
  } else {
    const live = namesOf(applications.value.filter((a) => a.metadata?.namespace === PARITY_TARGETS.argocdNamespace));
    const hasRoot = live.includes(m.argocd.root);
    out.push({ check: { name: rootName, expected: 'present', observed: hasRoot ? 'present' : 'absent', ok: hasRoot }, drift: `${rootName} absent` });
    const children = live.filter((n) => n !== m.argocd.root).sort();
    const missing = appsExpected.filter((a) => !children.includes(a));
    const extra = children.filter((a) => !appsExpected.includes(a));
    const diff = [missing.length ? `missing: ${missing.join(', ')}` : '', extra.length ? `extra: ${extra.join(', ')}` : ''].filter(Boolean).join('; ');
    out.push({ check: { name: 'argocd apps', expected: appsExpected.join(', '), observed: children.join(', ') || '(none)', ok: !diff, ...(diff ? { detail: diff.replace('; ', '\n') } : {}) }, drift: `argocd apps ${diff}` });
  }

  // PostgreSQL and Gitea: not in k3s, and answering where prod runs them.
  const inCluster = (pattern: RegExp): Read<string[]> => {
    if (!deployments.ok) return deployments;
    if (!statefulSets.ok) return statefulSets;
    const hit = (kind: string, items: { metadata?: { namespace?: string; name?: string } }[]) =>
      items.filter((o) => pattern.test(o.metadata?.name ?? '')).map((o) => `${kind} ${o.metadata?.namespace}/${o.metadata?.name}`);
    return { ok: true, value: [...hit('Deployment', deployments.value.items), ...hit('StatefulSet', statefulSets.value.items)] };
  };
  const outsideCheck = (service: 'postgres' | 'gitea', node: string, endpointHost: string | undefined): Drift => {
    const name = `${service} outside k3s`;
    const expected = `no ${service} workload in k3s (runs on ${node})`;
    const found = inCluster(new RegExp(service, 'i'));
    if (!found.ok) return unreachable(name, expected, found.error, found.source);
    const hits = [...found.value, ...(endpointHost && inClusterHost(endpointHost) ? [`endpoint ${endpointHost} is a cluster service`] : [])];
    const observed = hits.length ? `in k3s: ${hits.join(', ')}` : `none in k3s`;
    return { check: { name, expected, observed, ok: !hits.length }, drift: `${service} ${observed}` };
  };

  if (outside.postgres) {
    const expected = `answers outside k3s (${outside.postgres.node})`;
    out.push(outsideCheck('postgres', outside.postgres.node, postgres?.endpoint.host));
    if (!postgres) out.push(notConfigured('postgres', expected, 'sandbox.postgres'));
    else if (!pgVersion!.ok) out.push(unreachable('postgres', expected, pgVersion!.error));
    else {
      const where = `${postgres.endpoint.host}:${postgres.endpoint.port}`;
      const v = pgVersion!.value;
      out.push({ check: { name: 'postgres', expected, observed: v ? `server_version ${v} at ${where}` : `no server_version at ${where}`, ok: !!v }, drift: `postgres reported no server_version` });
    }
  }
  if (outside.gitea) {
    const expected = `answers outside k3s (${outside.gitea.node})`;
    out.push(outsideCheck('gitea', outside.gitea.node, gitea ? new URL(gitea.baseUrl).hostname : undefined));
    if (!gitea) out.push(notConfigured('gitea', expected, 'sandbox.gitea'));
    else if (!giteaVersion!.ok) out.push(unreachable('gitea', expected, giteaVersion!.error));
    else {
      const { status, body } = giteaVersion!.value;
      const v = status === 200 && typeof body?.version === 'string' ? body.version : undefined;
      const observed = v ? `version ${v} at ${gitea.baseUrl}` : `HTTP ${status} from ${gitea.baseUrl}/api/v1/version`;
      out.push({ check: { name: 'gitea', expected, observed, ok: !!v }, drift: `gitea ${observed}` });
    }
  }

  const checks = out.map((d) => d.check);
  const drifts = out.filter((d) => !d.check.ok).map((d) => d.drift);
  // One source down fails many checks with the same words: the summary names it once, counted.
  const grouped = new Map<string, number>();
  for (const d of drifts) grouped.set(d, (grouped.get(d) ?? 0) + 1);
  const named = [...grouped].map(([d, n]) => (n > 1 ? `${d} ×${n}` : d));
  const summary = drifts.length
    ? `parity: ${drifts.length} drift(s): ${named.slice(0, SUMMARY_DRIFTS).join(', ')}${named.length > SUMMARY_DRIFTS ? ', …' : ''}`
    : `parity: ${checks.length}/${checks.length} expectations hold`;
  return { schema: 'lab-tui/gate@1', gate: 'parity', ok: drifts.length === 0, summary, checks, at };
}
