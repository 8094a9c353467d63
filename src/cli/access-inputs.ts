import type { CanaryManifest } from '../../engine/gates/canary/canary-manifest.ts';
import type { Runbook } from '../../engine/runbook/types.ts';
import type { AccessInputs } from '../../engine/access/permissions.ts';

const DEPLOYMENT_ACTIONS = new Set(['k8s.scale', 'k8s.rollout-restart']);

/** A kind's resource as kubectl guesses it (UnsafeGuessKindToResource): Ingress → ingresses, Policy → policies. */
export function guessResource(kind: string): string {
  const k = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

/** The namespaces the runbooks' Deployment actions name (k8s.scale defaults the namespace to the deployment's name). */
export function runbookNamespaces(runbooks: Runbook[]): string[] {
  const found = runbooks.flatMap((r) => r.sections.flatMap((s) => s.steps.flatMap((st) => (st.lab?.action && DEPLOYMENT_ACTIONS.has(st.lab.action) ? [String(st.lab.params.namespace ?? st.lab.params.deployment)] : []))));
  return [...new Set(found)].sort();
}

export function accessInputs(markerNamespace: string, runbooks: Runbook[], canary: CanaryManifest): AccessInputs {
  return {
    markerNamespace,
    runbookNamespaces: runbookNamespaces(runbooks),
    canary: {
      namespace: canary.argocd.namespace,
      deployed: canary.deploy.map((o) => ({ group: o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '', resource: guessResource(o.kind) })),
    },
  };
}
