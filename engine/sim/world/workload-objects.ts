import type { KubeObject, OwnerReference } from '../kube/kube-object.ts';
import type { WorkloadSpec } from '../topology/topology-types.ts';
import { chartPodTemplate } from './chart-pod-templates.ts';
import type { PodObject } from './pod-index.ts';

export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    serviceAccountName: string;
    nodeSelector?: Record<string, string>;
    containers: {
      name: string;
      image: string;
      imagePullPolicy: string;
      command?: string[];
      args?: string[];
      env?: unknown[];
      envFrom?: unknown[];
      ports?: unknown[];
      livenessProbe?: unknown;
      readinessProbe?: unknown;
      volumeMounts?: unknown[];
    }[];
    volumes?: unknown[];
  };
}

export type WorkloadObject = KubeObject & {
  spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: PodTemplate; progressDeadlineSeconds?: number };
  status?: Record<string, unknown>;
};

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** pod-template-hash: FNV-1a of the template, SafeEncodeString'd like the deployment controller. */
export function templateHash(template: PodTemplate): string {
  let hash = 0x811c9dc5;
  for (const ch of JSON.stringify(template)) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return [...String(hash)].map((d) => SAFE_ALPHABET[d.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

export function workloadObject(w: WorkloadSpec, claimName: string | undefined, createdAt: string, progressDeadlineMs: number): WorkloadObject {
  const labels = { app: w.name, 'app.kubernetes.io/name': w.name };
  const container: PodTemplate['spec']['containers'][number] = { name: w.name, image: w.image, imagePullPolicy: 'IfNotPresent' };
  if (w.needs.secret) container.envFrom = [{ secretRef: { name: w.needs.secret } }];
  const chart = chartPodTemplate(w);
  const volumes = [...(chart?.volumes ?? []), ...(claimName ? [{ name: 'data', persistentVolumeClaim: { claimName } }] : [])];
  const template: PodTemplate = {
    metadata: { labels: { ...labels }, ...(chart ? { annotations: chart.annotations } : {}) },
    spec: {
      serviceAccountName: w.name,
      ...(w.nodeName ? { nodeSelector: { 'kubernetes.io/hostname': w.nodeName } } : {}),
      containers: chart?.containers ?? [container],
      ...(volumes.length ? { volumes } : {}),
    },
  };
  const spec: WorkloadObject['spec'] = { selector: { matchLabels: { app: w.name } }, template };
  if (w.kind !== 'DaemonSet') spec.replicas = w.replicas;
  if (w.kind === 'Deployment') {
    Object.assign(spec, {
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      progressDeadlineSeconds: Math.round(progressDeadlineMs / 1000),
      revisionHistoryLimit: 10,
    });
  }
  if (w.kind === 'StatefulSet') Object.assign(spec, { serviceName: w.name, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate' } });
  if (w.kind === 'DaemonSet') Object.assign(spec, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } });
  return {
    apiVersion: 'apps/v1',
    kind: w.kind,
    metadata: { name: w.name, namespace: w.namespace, labels, annotations: {}, creationTimestamp: createdAt },
    spec,
    status: {},
  };
}

const NOT_READY_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

export function podFromTemplate(
  template: PodTemplate,
  meta: { name: string; namespace: string; owner: OwnerReference; extraLabels: Record<string, string>; nodeName?: string },
): PodObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      labels: { ...template.metadata.labels, ...meta.extraLabels },
      ...(template.metadata.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [meta.owner],
    },
    spec: {
      ...structuredClone(template.spec),
      ...(meta.nodeName ? { nodeName: meta.nodeName } : {}),
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      tolerations: meta.owner.kind === 'DaemonSet'
        ? NOT_READY_TOLERATIONS.map(({ tolerationSeconds: _ignored, ...t }) => t)
        : NOT_READY_TOLERATIONS,
    },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

export function isPodReady(pod: PodObject): boolean {
  const conditions = (pod.status?.conditions ?? []) as { type: string; status: string }[];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}
