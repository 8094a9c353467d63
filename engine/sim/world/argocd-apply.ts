// How ArgoCD compares a desired object with the live one and applies it (kubectl apply semantics,
// reduced: fields the manifest sets win, fields others added live on).
import type { KubeObject } from '../kube/kube-object.ts';
import type { DesiredObject } from './argocd-manifests.ts';

const IGNORED_TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata', 'status']);
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

type Json = unknown;

/** Everything the manifest sets is set the same way live; what others added does not count. */
function subset(want: Json, have: Json): boolean {
  if (Array.isArray(want)) return Array.isArray(have) && want.length === have.length && want.every((w, i) => subset(w, have[i]));
  if (want !== null && typeof want === 'object') {
    if (have === null || typeof have !== 'object' || Array.isArray(have)) return false;
    return Object.entries(want).every(([k, v]) => subset(v, (have as Record<string, Json>)[k]));
  }
  return want === have;
}

export function inSync(desired: KubeObject, live: KubeObject | undefined): boolean {
  if (!live) return false;
  const meta = (o: KubeObject) => ({ labels: o.metadata.labels ?? {}, annotations: o.metadata.annotations ?? {} });
  if (!subset(meta(desired), meta(live))) return false;
  return Object.entries(desired).every(([k, v]) => IGNORED_TOP_LEVEL.has(k) || subset(v, live[k]));
}

function merge(into: Record<string, Json>, from: Record<string, Json>): void {
  for (const [k, v] of Object.entries(from)) {
    const current = into[k];
    const bothObjects = [v, current].every((x) => x !== null && typeof x === 'object' && !Array.isArray(x));
    if (bothObjects) merge(current as Record<string, Json>, v as Record<string, Json>);
    else into[k] = structuredClone(v);
  }
}

/** The live object after `kubectl apply` of `desired`: status and others' fields stay. */
export function applyOnto(live: KubeObject, desired: KubeObject): void {
  merge(live, Object.fromEntries(Object.entries(desired).filter(([k]) => !IGNORED_TOP_LEVEL.has(k))));
  live.metadata.labels = { ...live.metadata.labels, ...desired.metadata.labels };
  live.metadata.annotations = { ...live.metadata.annotations, ...desired.metadata.annotations };
}

/** The object as ArgoCD creates it: marked with its annotation-based tracking id. */
export function tracked(d: DesiredObject, app: string): KubeObject {
  const { obj } = d;
  const [group, kind, namespace, name] = d.key.split('/');
  const trackingId = `${app}:${group}/${kind}:${namespace ? `${namespace}/` : ''}${name}`;
  return { ...structuredClone(obj), metadata: { ...structuredClone(obj.metadata), annotations: { ...obj.metadata.annotations, 'argocd.argoproj.io/tracking-id': trackingId } } };
}

/**
 * What the API server would refuse at the sync's dry run: kinds it does not serve and workloads
 * without the fields every controller relies on.
 */
export function applyProblem(d: DesiredObject): string | null {
  const { obj } = d;
  const where = `${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
  if (!d.def) {
    const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
    return `The Kubernetes API could not find ${group ? `${group}/` : ''}${obj.kind} for requested resource ${where}. Make sure the "${obj.kind}" CRD is installed on the destination cluster.`;
  }
  if (!WORKLOAD_KINDS.has(obj.kind)) return null;
  const spec = (obj.spec ?? {}) as { selector?: { matchLabels?: Record<string, string> }; template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: { name?: string; image?: string }[] } } };
  const invalid = (field: string, detail: string) => `${obj.kind}.apps "${obj.metadata.name}" is invalid: ${field}: ${detail}`;
  const matchLabels = spec.selector?.matchLabels;
  if (!matchLabels || Object.keys(matchLabels).length === 0) return invalid('spec.selector', 'Required value');
  const labels = spec.template?.metadata?.labels ?? {};
  if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) return invalid('spec.template.metadata.labels', `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``);
  const containers = spec.template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) return invalid('spec.template.spec.containers', 'Required value');
  const nameless = containers.findIndex((c) => !c.name);
  if (nameless >= 0) return invalid(`spec.template.spec.containers[${nameless}].name`, 'Required value');
  const imageless = containers.findIndex((c) => !c.image);
  if (imageless >= 0) return invalid(`spec.template.spec.containers[${imageless}].image`, 'Required value');
  return null;
}
