import type { KubeAdapter } from '../adapters/kube.ts';
import type { VaultAdapter } from '../adapters/vault.ts';
import { deriveArgo, deriveLonghorn, deriveNodes, deriveVault, deriveWorkloads, type ArgoApplication, type LonghornVolume } from './derive.ts';
import type { ComponentRow, SandboxView, Snapshot, SourceState } from './types.ts';

interface CustomList<T> {
  items: T[];
}

/** One-shot snapshot for `lab-tui status`: lists once, no watches. */
export async function collectOnce(sandbox: SandboxView, kube: () => Promise<KubeAdapter>, vault: VaultAdapter | undefined, now = new Date()): Promise<Snapshot> {
  const at = now.toISOString();
  const sources: SourceState[] = [];
  const components: ComponentRow[] = [];
  let nodes: Snapshot['nodes'] = [];
  try {
    const k = await kube();
    const [nodeList, podList, deployments, volumes, apps] = await Promise.all([
      k.core.listNode(),
      k.core.listPodForAllNamespaces(),
      k.apps.listDeploymentForAllNamespaces(),
      k.custom.listClusterCustomObject({ group: 'longhorn.io', version: 'v1beta2', plural: 'volumes' }) as Promise<CustomList<LonghornVolume>>,
      k.custom.listClusterCustomObject({ group: 'argoproj.io', version: 'v1alpha1', plural: 'applications' }) as Promise<CustomList<ArgoApplication>>,
    ]);
    nodes = deriveNodes(nodeList.items, podList.items);
    components.push(deriveLonghorn(volumes.items), deriveArgo(apps.items), deriveWorkloads(deployments.items, podList.items));
    sources.push({ id: 'kubernetes', status: 'live', since: at, lastOk: at });
  } catch (e) {
    if ((e as Error).name === 'GuardRefusal') throw e;
    sources.push({ id: 'kubernetes', status: 'stale', since: at, error: (e as Error).message });
    components.push({ id: 'longhorn', status: 'unknown', reason: 'Kubernetes API unreachable' }, { id: 'argocd', status: 'unknown', reason: 'Kubernetes API unreachable' }, { id: 'workloads', status: 'unknown', reason: 'Kubernetes API unreachable' });
  }
  if (vault) {
    try {
      const s = await vault.sealStatus();
      if (!s.sealed) await vault.verify();
      components.push(deriveVault(s.sealed, s.version));
      sources.push({ id: 'vault', status: 'live', since: at, lastOk: at });
    } catch (e) {
      if ((e as Error).name === 'GuardRefusal') throw e;
      components.push(deriveVault(undefined));
      sources.push({ id: 'vault', status: 'stale', since: at, error: (e as Error).message });
    }
  }
  return { schema: 'lab-tui/status@1', takenAt: at, sandbox, sources, nodes, components };
}
