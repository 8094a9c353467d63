// The lab's gitops repository (the ArgoCD app-of-apps) as files: what `arcodange/gitops` holds
// when lab-sim starts, generated from the same topology the cluster is built from.
import { stringify } from 'yaml';
import type { KubeObject } from '../kube/kube-object.ts';
import type { ArgoSpec, Topology } from '../topology/topology-types.ts';
import { workloadObject } from './workload-objects.ts';

type AppSpec = ArgoSpec['apps'][number];

export const TRACKING_ID = 'argocd.argoproj.io/tracking-id';

/** Where an application's manifests live: the root `lab-apps` reads `apps/*.yaml`, each child `apps/<name>/`. */
export const appPath = (app: string) => `apps/${app}`;

/** The file of one manifest in its application's directory. */
export const manifestFile = (app: string, kind: string, name: string) => `${appPath(app)}/${kind.toLowerCase()}-${name}.yaml`;

/** A child Application of the app-of-apps, as its manifest in `apps/` declares it. */
export function applicationManifest(t: Topology, name: string, path: string, namespace: string): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', finalizers: ['resources-finalizer.argocd.argoproj.io'] },
    spec: {
      project: 'default',
      source: { repoURL: `https://gitea.${t.cluster.dnsZone}/${t.argocd.repo}.git`, path, targetRevision: t.argocd.targetRevision },
      destination: { server: 'https://kubernetes.default.svc', namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
      ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }, { group: 'apps', kind: 'StatefulSet', jsonPointers: ['/spec/replicas'] }],
    },
  };
}

/** An application's settings ConfigMap, as committed (ArgoCD adds its tracking id when it applies it). */
export function configMap(app: AppSpec, name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: app.namespace, labels: { 'app.kubernetes.io/instance': app.name } },
    data: { 'settings.yaml': `app: ${app.name}\nenvironment: sandbox\n` },
  };
}

/** The object as ArgoCD applied it: marked with its annotation-based tracking id. */
export function withTrackingId(app: string, obj: KubeObject): KubeObject {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  const id = `${app}:${group}/${obj.kind}:${obj.metadata.namespace}/${obj.metadata.name}`;
  return { ...obj, metadata: { ...obj.metadata, annotations: { ...obj.metadata.annotations, [TRACKING_ID]: id } } };
}

/** Every file of the gitops repository: the Applications, then each one's workloads and ConfigMaps. */
export function gitopsFiles(t: Topology): Map<string, string> {
  const files = new Map<string, string>();
  const put = (path: string, obj: KubeObject) => files.set(path, stringify(obj, { lineWidth: 0 }));
  for (const app of t.argocd.apps) {
    put(`${appPath(app.name)}.yaml`, applicationManifest(t, app.name, appPath(app.name), app.namespace));
    for (const name of app.workloads) {
      const w = t.workloads.find((x) => x.namespace === app.namespace && x.name === name);
      if (!w) continue;
      const claim = t.longhorn.volumes.find((v) => v.name === w.needs.volume)?.pvc.name;
      const { status: _status, ...manifest } = workloadObject(w, claim, '', t.timings.progressDeadline);
      put(manifestFile(app.name, w.kind, name), { ...manifest, metadata: { name: w.name, namespace: w.namespace, labels: manifest.metadata.labels } });
    }
    for (const name of app.configMaps) put(manifestFile(app.name, 'ConfigMap', name), configMap(app, name));
  }
  return files;
}
