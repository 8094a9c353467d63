import type { WorkloadSpec } from '../topology/topology-types.ts';
import type { PodTemplate } from './workload-objects.ts';

type Container = PodTemplate['spec']['containers'][number];

/** kubectl's (and lab-sim's) pick among a pod's containers: logs, exec and the workload's image. */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

const KUBE_RBAC_PROXY_IMAGE = 'quay.io/brancz/kube-rbac-proxy:v0.18.1';

/**
 * vault-secrets-operator chart 0.9.1 (templates/deployment.yaml with the default values): a
 * kube-rbac-proxy in front of the manager's metrics, then the manager itself. Resources and
 * securityContext are left out: lab-sim's pods are all BestEffort.
 */
function vsoControllerManager(w: WorkloadSpec): Pick<PodTemplate['spec'], 'containers' | 'volumes'> & { annotations: Record<string, string> } {
  const domain = { name: 'KUBERNETES_CLUSTER_DOMAIN', value: 'cluster.local' };
  const proxy: Container = {
    name: 'kube-rbac-proxy',
    args: ['--secure-listen-address=0.0.0.0:8443', '--upstream=http://127.0.0.1:8080/', '--logtostderr=true', '--v=0'],
    env: [domain],
    image: KUBE_RBAC_PROXY_IMAGE,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ containerPort: 8443, name: 'https', protocol: 'TCP' }],
  };
  const manager: Container = {
    name: 'manager',
    args: [
      '--health-probe-bind-address=:8081',
      '--metrics-bind-address=127.0.0.1:8080',
      '--leader-elect',
      '--global-vault-auth-options=allow-default-globals',
      '--backoff-initial-interval=5s',
      '--backoff-max-interval=60s',
      '--backoff-max-elapsed-time=0s',
      '--backoff-multiplier=1.50',
      '--backoff-randomization-factor=0.50',
      '--zap-log-level=info',
      '--zap-time-encoding=rfc3339',
      '--zap-stacktrace-level=panic',
    ],
    command: ['/vault-secrets-operator'],
    env: [
      { name: 'OPERATOR_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'OPERATOR_POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
      domain,
    ],
    image: w.image,
    imagePullPolicy: 'IfNotPresent',
    livenessProbe: { httpGet: { path: '/healthz', port: 8081 }, initialDelaySeconds: 15, periodSeconds: 20 },
    readinessProbe: { httpGet: { path: '/readyz', port: 8081 }, initialDelaySeconds: 5, periodSeconds: 10 },
    volumeMounts: [{ mountPath: '/var/run/podinfo', name: 'podinfo' }],
  };
  const podinfo = { name: 'podinfo', downwardAPI: { items: [{ fieldRef: { fieldPath: 'metadata.name' }, path: 'name' }, { fieldRef: { fieldPath: 'metadata.uid' }, path: 'uid' }] } };
  return { containers: [proxy, manager], volumes: [podinfo], annotations: { [DEFAULT_CONTAINER_ANNOTATION]: 'manager' } };
}

/** Workloads whose Helm chart lab-sim renders as the chart does, by namespace/name. */
const CHART_TEMPLATES: Record<string, typeof vsoControllerManager> = {
  'vault-secrets-operator/vault-secrets-operator-controller-manager': vsoControllerManager,
};

/** The chart's containers (and what goes with them) for `w`, or undefined for a single-container workload. */
export function chartPodTemplate(w: WorkloadSpec): ReturnType<typeof vsoControllerManager> | undefined {
  return CHART_TEMPLATES[`${w.namespace}/${w.name}`]?.(w);
}

/** Every image the lab's nodes have cached for `w`. */
export function workloadImages(w: WorkloadSpec): string[] {
  return chartPodTemplate(w)?.containers.map((c) => c.image) ?? [w.image];
}

/** Index of the container that is the workload itself: the default-container annotation's, else the first. */
export function mainContainerIndex(template: { metadata?: { annotations?: Record<string, string> }; spec?: { containers?: { name?: string }[] } }): number {
  const name = template.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  const index = name === undefined ? -1 : (template.spec?.containers ?? []).findIndex((c) => c.name === name);
  return Math.max(0, index);
}
