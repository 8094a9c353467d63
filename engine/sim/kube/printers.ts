import { humanDuration } from './human-duration.ts';
import type { KubeObject } from './kube-object.ts';

// Server-side printing, as the real apiserver does for `Accept: ...;as=Table`. Column sets follow
// kubectl's built-in printers (pkg/printers/internalversion) and the CRDs' additionalPrinterColumns.

export interface Column {
  name: string;
  type: 'string' | 'integer' | 'boolean' | 'date';
  priority?: number;
  format?: string;
  description?: string;
}

export interface Printer {
  columns: Column[];
  cells(obj: KubeObject, now: number): unknown[];
}

// Printers read many optional nested fields of many kinds; typing each one would bury the columns.
type Any = KubeObject & Record<string, any>;

const NAME: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.' };
const AGE: Column = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' };

function age(obj: KubeObject, now: number): string {
  const created = obj.metadata.creationTimestamp ? Date.parse(obj.metadata.creationTimestamp) : now;
  return humanDuration(now - created);
}

function nodeStatus(node: Any): string {
  const ready = (node.status?.conditions ?? []).find((c: Any) => c.type === 'Ready');
  const parts = [ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(node: Any): string {
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((l) => l.startsWith('node-role.kubernetes.io/'))
    .map((l) => l.slice('node-role.kubernetes.io/'.length))
    .sort();
  return roles.length ? roles.join(',') : '<none>';
}

/** kubectl's printPod reason logic, minus init containers (lab-sim pods have none). */
export function podStatusReason(pod: Any): string {
  let reason: string = pod.status?.reason || pod.status?.phase || 'Unknown';
  let running = false;
  for (const cs of [...(pod.status?.containerStatuses ?? [])].reverse()) {
    if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state?.terminated?.reason) reason = cs.state.terminated.reason;
    else if (cs.state?.running && cs.ready) running = true;
  }
  if (reason === 'Completed' && running) reason = 'Running';
  if (pod.metadata.deletionTimestamp) reason = pod.status?.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

function podRestarts(pod: Any, now: number): string {
  let restarts = 0;
  let last = 0;
  for (const cs of pod.status?.containerStatuses ?? []) {
    restarts += cs.restartCount ?? 0;
    const finished = cs.lastState?.terminated?.finishedAt;
    if (finished) last = Math.max(last, Date.parse(finished));
  }
  return restarts > 0 && last > 0 ? `${restarts} (${humanDuration(now - last)} ago)` : String(restarts);
}

// kubectl's printers for RBAC (pkg/printers/internalversion): roles show when they were created,
// bindings their role and, wide, their subjects.
const CREATED_AT: Column = { name: 'Created At', type: 'date', description: AGE.description };
const rolePrinter: Printer = { columns: [NAME, CREATED_AT], cells: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? ''] };
const bindingPrinter: Printer = {
  columns: [
    NAME,
    { name: 'Role', type: 'string', description: 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.' },
    AGE,
    { name: 'Users', type: 'string', priority: 1, description: 'Users in the roleBinding' },
    { name: 'Groups', type: 'string', priority: 1, description: 'Groups in the roleBinding' },
    { name: 'ServiceAccounts', type: 'string', priority: 1, description: 'ServiceAccounts in the roleBinding' },
  ],
  cells: (b: Any, now) => {
    const subjects: Any[] = b.subjects ?? [];
    const of = (kind: string) => subjects.filter((s) => s.kind === kind).map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name)).join(', ');
    return [b.metadata.name, `${b.roleRef?.kind}/${b.roleRef?.name}`, age(b, now), of('User'), of('Group'), of('ServiceAccount')];
  },
};

const printers: Record<string, Printer> = {
  'clusterroles.rbac.authorization.k8s.io': rolePrinter,
  'roles.rbac.authorization.k8s.io': rolePrinter,
  'clusterrolebindings.rbac.authorization.k8s.io': bindingPrinter,
  'rolebindings.rbac.authorization.k8s.io': bindingPrinter,
  nodes: {
    columns: [
      NAME,
      { name: 'Status', type: 'string', description: 'The status of the node' },
      { name: 'Roles', type: 'string', description: 'The roles of the node' },
      AGE,
      { name: 'Version', type: 'string', description: 'Kubelet Version reported by the node.' },
      { name: 'Internal-IP', type: 'string', priority: 1 },
      { name: 'External-IP', type: 'string', priority: 1 },
      { name: 'OS-Image', type: 'string', priority: 1 },
      { name: 'Kernel-Version', type: 'string', priority: 1 },
      { name: 'Container-Runtime', type: 'string', priority: 1 },
    ],
    cells: (n: Any, now) => {
      const address = (type: string) => (n.status?.addresses ?? []).find((a: Any) => a.type === type)?.address ?? '<none>';
      const info = n.status?.nodeInfo ?? {};
      return [n.metadata.name, nodeStatus(n), nodeRoles(n), age(n, now), info.kubeletVersion, address('InternalIP'), address('ExternalIP'), info.osImage, info.kernelVersion, info.containerRuntimeVersion];
    },
  },
  pods: {
    columns: [
      NAME,
      { name: 'Ready', type: 'string', description: 'The aggregate readiness state of this pod for accepting traffic.' },
      { name: 'Status', type: 'string', description: 'The aggregate status of the containers in this pod.' },
      { name: 'Restarts', type: 'string', description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.' },
      AGE,
      { name: 'IP', type: 'string', priority: 1 },
      { name: 'Node', type: 'string', priority: 1 },
      { name: 'Nominated Node', type: 'string', priority: 1 },
      { name: 'Readiness Gates', type: 'string', priority: 1 },
    ],
    cells: (p: Any, now) => {
      const statuses: Any[] = p.status?.containerStatuses ?? [];
      const total = (p.spec?.containers ?? []).length;
      const ready = statuses.filter((cs) => cs.ready).length;
      return [p.metadata.name, `${ready}/${total}`, podStatusReason(p), podRestarts(p, now), age(p, now), p.status?.podIP ?? '<none>', p.spec?.nodeName ?? '<none>', '<none>', '<none>'];
    },
  },
  'deployments.apps': workloadPrinter(),
  'statefulsets.apps': {
    columns: [NAME, { name: 'Ready', type: 'string' }, AGE],
    cells: (s: Any, now) => [s.metadata.name, `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 0}`, age(s, now)],
  },
  'daemonsets.apps': {
    columns: [NAME, { name: 'Desired', type: 'integer' }, { name: 'Current', type: 'integer' }, { name: 'Ready', type: 'integer' }, { name: 'Up-to-date', type: 'integer' }, { name: 'Available', type: 'integer' }, AGE],
    cells: (d: Any, now) => {
      const s = d.status ?? {};
      return [d.metadata.name, s.desiredNumberScheduled ?? 0, s.currentNumberScheduled ?? 0, s.numberReady ?? 0, s.updatedNumberScheduled ?? 0, s.numberAvailable ?? 0, age(d, now)];
    },
  },
  events: {
    columns: [{ name: 'Last Seen', type: 'string' }, { name: 'Type', type: 'string' }, { name: 'Reason', type: 'string' }, { name: 'Object', type: 'string' }, { name: 'Message', type: 'string' }],
    cells: (e: Any, now) => [
      humanDuration(now - Date.parse(e.lastTimestamp ?? e.metadata.creationTimestamp)),
      e.type,
      e.reason,
      `${String(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name}`,
      e.message,
    ],
  },
  namespaces: {
    columns: [NAME, { name: 'Status', type: 'string' }, AGE],
    cells: (n: Any, now) => [n.metadata.name, n.status?.phase ?? 'Active', age(n, now)],
  },
  configmaps: {
    columns: [NAME, { name: 'Data', type: 'integer' }, AGE],
    cells: (c: Any, now) => [c.metadata.name, Object.keys(c.data ?? {}).length, age(c, now)],
  },
  secrets: {
    columns: [NAME, { name: 'Type', type: 'string' }, { name: 'Data', type: 'integer' }, AGE],
    cells: (s: Any, now) => [s.metadata.name, s.type ?? 'Opaque', Object.keys(s.data ?? {}).length, age(s, now)],
  },
  persistentvolumeclaims: {
    columns: [NAME, { name: 'Status', type: 'string' }, { name: 'Volume', type: 'string' }, { name: 'Capacity', type: 'string' }, { name: 'Access Modes', type: 'string' }, { name: 'StorageClass', type: 'string' }, { name: 'VolumeAttributesClass', type: 'string' }, AGE],
    cells: (c: Any, now) => [c.metadata.name, c.status?.phase ?? 'Pending', c.spec?.volumeName ?? '', c.status?.capacity?.storage ?? '', (c.status?.accessModes ?? []).map((m: string) => ({ ReadWriteOnce: 'RWO', ReadWriteMany: 'RWX' })[m] ?? m).join(','), c.spec?.storageClassName ?? '', '<unset>', age(c, now)],
  },
  services: {
    columns: [NAME, { name: 'Type', type: 'string' }, { name: 'Cluster-IP', type: 'string' }, { name: 'External-IP', type: 'string' }, { name: 'Port(s)', type: 'string' }, AGE],
    cells: (s: Any, now) => [s.metadata.name, s.spec?.type ?? 'ClusterIP', s.spec?.clusterIP ?? '', '<none>', (s.spec?.ports ?? []).map((p: Any) => `${p.port}/${p.protocol ?? 'TCP'}`).join(','), age(s, now)],
  },
  'ingresses.networking.k8s.io': {
    columns: [NAME, { name: 'Class', type: 'string' }, { name: 'Hosts', type: 'string' }, { name: 'Address', type: 'string' }, { name: 'Ports', type: 'string' }, AGE],
    cells: (i: Any, now) => [
      i.metadata.name,
      i.spec?.ingressClassName ?? '<none>',
      (i.spec?.rules ?? []).map((r: Any) => r.host ?? '*').join(',') || '*',
      (i.status?.loadBalancer?.ingress ?? []).map((a: Any) => a.ip ?? a.hostname).join(','),
      i.spec?.tls?.length ? '80, 443' : '80',
      age(i, now),
    ],
  },
  'volumes.longhorn.io': {
    columns: [NAME, { name: 'Data Engine', type: 'string' }, { name: 'State', type: 'string' }, { name: 'Robustness', type: 'string' }, { name: 'Scheduled', type: 'string' }, { name: 'Size', type: 'string' }, { name: 'Node', type: 'string' }, AGE],
    cells: (v: Any, now) => [v.metadata.name, v.spec?.dataEngine ?? 'v1', v.status?.state ?? '', v.status?.robustness ?? '', 'True', v.spec?.size ?? '', v.status?.currentNodeID ?? '', age(v, now)],
  },
  'replicas.longhorn.io': {
    columns: [NAME, { name: 'Data Engine', type: 'string' }, { name: 'State', type: 'string' }, { name: 'Node', type: 'string' }, { name: 'Disk', type: 'string' }, { name: 'InstanceManager', type: 'string' }, { name: 'Image', type: 'string' }, AGE],
    cells: (r: Any, now) => [r.metadata.name, r.spec?.dataEngine ?? 'v1', r.status?.currentState ?? '', r.spec?.nodeID ?? '', r.spec?.diskID ?? '', r.status?.instanceManagerName ?? '', r.spec?.image ?? '', age(r, now)],
  },
  'engines.longhorn.io': {
    columns: [NAME, { name: 'Data Engine', type: 'string' }, { name: 'State', type: 'string' }, { name: 'Node', type: 'string' }, { name: 'InstanceManager', type: 'string' }, { name: 'Image', type: 'string' }, AGE],
    cells: (e: Any, now) => [e.metadata.name, e.spec?.dataEngine ?? 'v1', e.status?.currentState ?? '', e.spec?.nodeID ?? '', e.status?.instanceManagerName ?? '', e.spec?.image ?? '', age(e, now)],
  },
  'orphans.longhorn.io': {
    columns: [NAME, { name: 'Type', type: 'string' }, { name: 'Node', type: 'string' }, AGE],
    cells: (o: Any, now) => [o.metadata.name, o.spec?.orphanType ?? '', o.spec?.nodeID ?? '', age(o, now)],
  },
  'nodes.longhorn.io': {
    columns: [NAME, { name: 'Ready', type: 'string' }, { name: 'AllowScheduling', type: 'boolean' }, { name: 'Schedulable', type: 'string' }, AGE],
    cells: (n: Any, now) => {
      const condition = (type: string) => (n.status?.conditions ?? []).find((c: Any) => c.type === type)?.status ?? '';
      return [n.metadata.name, condition('Ready'), n.spec?.allowScheduling ?? false, condition('Schedulable'), age(n, now)];
    },
  },
  'applications.argoproj.io': {
    columns: [NAME, { name: 'Sync Status', type: 'string' }, { name: 'Health Status', type: 'string' }, { name: 'Revision', type: 'string', priority: 10 }, { name: 'Project', type: 'string', priority: 10 }],
    cells: (a: Any) => [a.metadata.name, a.status?.sync?.status ?? '', a.status?.health?.status ?? '', a.status?.sync?.revision ?? '', a.spec?.project ?? ''],
  },
};

function workloadPrinter(): Printer {
  return {
    columns: [
      NAME,
      { name: 'Ready', type: 'string' },
      { name: 'Up-to-date', type: 'integer' },
      { name: 'Available', type: 'integer' },
      AGE,
      { name: 'Containers', type: 'string', priority: 1 },
      { name: 'Images', type: 'string', priority: 1 },
      { name: 'Selector', type: 'string', priority: 1 },
    ],
    cells: (d: Any, now) => {
      const containers: Any[] = d.spec?.template?.spec?.containers ?? [];
      const selector = Object.entries(d.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
      return [
        d.metadata.name,
        `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
        d.status?.updatedReplicas ?? 0,
        d.status?.availableReplicas ?? 0,
        age(d, now),
        containers.map((c) => c.name).join(','),
        containers.map((c) => c.image).join(','),
        selector,
      ];
    },
  };
}

const genericPrinter: Printer = { columns: [NAME, AGE], cells: (o, now) => [o.metadata.name, age(o, now)] };

export function printerFor(resourceKey: string): Printer {
  return printers[resourceKey] ?? genericPrinter;
}
