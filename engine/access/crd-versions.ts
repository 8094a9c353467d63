/**
 * The API groups lab-tui reads that are not Kubernetes' own, at the version it speaks
 * (the adapters' paths), and what installs them: doctor checks discovery serves each resource
 * the permission table names in these groups.
 */
export const CRD_GROUPS: Record<string, { version: string; installedBy: string }> = {
  'longhorn.io': { version: 'v1beta2', installedBy: 'Longhorn (its chart installs the CRDs)' },
  'argoproj.io': { version: 'v1alpha1', installedBy: 'Argo CD (install.yaml carries the CRDs)' },
  'secrets.hashicorp.com': { version: 'v1beta1', installedBy: 'the Vault Secrets Operator (its chart installs the CRDs)' },
};

/** Groups Kubernetes serves itself; every other group in the table must be in CRD_GROUPS. */
export const BUILTIN_GROUPS = new Set(['', 'apps', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'authorization.k8s.io']);
