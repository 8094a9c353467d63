import type { KubeObject } from '../kube/kube-object.ts';

export type HealthStatus = 'Healthy' | 'Suspended' | 'Progressing' | 'Missing' | 'Degraded' | 'Unknown';
export interface Health {
  status: HealthStatus;
  message?: string;
}

// ArgoCD's order for "worst of" aggregation (gitops-engine health.IsWorse).
const ORDER: HealthStatus[] = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

export function worst(healths: Health[]): Health {
  return healths.reduce<Health>((acc, h) => (ORDER.indexOf(h.status) > ORDER.indexOf(acc.status) ? h : acc), { status: 'Healthy' });
}

// Workload status shapes differ per kind; the checks below read them field by field.
type Workload = KubeObject & { spec: { replicas?: number }; status?: Record<string, any> };

/** gitops-engine's built-in health checks for the kinds the lab's apps are made of. */
export function workloadHealth(obj: Workload | undefined): Health {
  if (!obj) return { status: 'Missing' };
  const s = obj.status ?? {};
  const generation = obj.metadata.generation ?? 1;
  if ((s.observedGeneration ?? 0) < generation) {
    return { status: 'Progressing', message: 'Waiting for rollout to finish: observed deployment generation less than desired generation' };
  }
  const replicas = obj.spec.replicas ?? 1;
  if (obj.kind === 'Deployment') {
    const progressing = (s.conditions ?? []).find((c: { type: string }) => c.type === 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') return { status: 'Degraded', message: `Deployment "${obj.metadata.name}" exceeded its progress deadline` };
    const updated = s.updatedReplicas ?? 0;
    if (updated < replicas) return { status: 'Progressing', message: `Waiting for rollout to finish: ${updated} out of ${replicas} new replicas have been updated...` };
    if ((s.replicas ?? 0) > updated) return { status: 'Progressing', message: `Waiting for rollout to finish: ${(s.replicas ?? 0) - updated} old replicas are pending termination...` };
    if ((s.availableReplicas ?? 0) < updated) return { status: 'Progressing', message: `Waiting for rollout to finish: ${s.availableReplicas ?? 0} of ${updated} updated replicas are available...` };
    return { status: 'Healthy' };
  }
  if (obj.kind === 'StatefulSet') {
    const ready = s.readyReplicas ?? 0;
    if (ready < replicas) return { status: 'Progressing', message: `Waiting for ${replicas - ready} pods to be ready...` };
    return { status: 'Healthy', message: `statefulset rolling update complete ${replicas} pods at revision ${s.updateRevision}...` };
  }
  const desired = s.desiredNumberScheduled ?? 0;
  if ((s.numberAvailable ?? 0) < desired) return { status: 'Progressing', message: `Waiting for daemon set "${obj.metadata.name}" rollout to finish: ${s.numberAvailable ?? 0} of ${desired} updated pods are available...` };
  return { status: 'Healthy' };
}
