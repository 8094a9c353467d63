import { isoTime, type ObjectMeta } from '../kube/kube-object.ts';
import { resourceForKind } from '../kube/resources.ts';
import type { NodeSpec, Topology } from '../topology/topology-types.ts';
import { seedAccessControl } from './access-control-seed.ts';
import { APPLICATION } from './argocd.ts';
import { applicationManifest, appPath, configMap, withTrackingId } from './gitops-tree.ts';
import { LOAD_IMAGE, type Lab } from './lab.ts';
import { NODE } from './node-lifecycle.ts';
import { BOOTSTRAP_UPTIME_MS } from './kubelet.ts';
import { nodeObject, podCidr } from './node-objects.ts';
import { POD } from './pod-index.ts';
import { VDS, VSS } from './vso.ts';
import { DAEMONSET, DEPLOYMENT, STATEFULSET } from './workload-controller.ts';
import { podStatus } from './pod-status.ts';
import { podFromTemplate, workloadObject, type PodTemplate } from './workload-objects.ts';

const r = (kind: string, apiVersion = 'v1') => resourceForKind(apiVersion, kind);

export interface Scale {
  nodes?: number;
  podsPerNode?: number;
}

/** Generated agents for benchmarks; they carry no Longhorn disk, so no lab pods land there. */
export function scaledNodes(topology: Topology, scale: Scale | undefined): NodeSpec[] {
  const template = topology.nodes.find((n) => !n.roles.includes('control-plane')) ?? topology.nodes[0];
  if (!template) return topology.nodes;
  const extra = Array.from({ length: scale?.nodes ?? 0 }, (_, i) => ({
    ...template,
    name: `agent-${String(i + 1).padStart(4, '0')}`,
    internalIP: `10.78.${Math.floor((i + 1) / 250)}.${((i + 1) % 250) + 2}`,
    generated: true,
  }));
  return [...topology.nodes, ...extra];
}

/**
 * Creates the objects of a lab that has been running for weeks, then lets it settle. `accessUid`
 * numbers the RBAC objects and the viewer identity from a stream of their own.
 */
export function populate(lab: Lab, scale: Scale | undefined, accessUid: () => string): void {
  const { world } = lab;
  const t = world.topology;
  const clusterBorn = world.creationStamp() as string;
  const create = (kind: string, obj: { metadata: ObjectMeta; [field: string]: unknown }, apiVersion = 'v1') =>
    world.store.create(r(kind, apiVersion), { apiVersion, kind, ...obj, metadata: { creationTimestamp: clusterBorn, ...obj.metadata } });

  const namespaces = [...t.namespaces, ...(scale?.podsPerNode ? ['load'] : [])];
  for (const ns of namespaces) create('Namespace', { metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  create('ConfigMap', { metadata: { name: t.cluster.marker.name, namespace: t.cluster.marker.namespace }, data: t.cluster.marker.data });
  create('Service', { metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } }, spec: { type: 'ClusterIP', clusterIP: '10.43.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] }, status: { loadBalancer: {} } });

  lab.power.specs().forEach((spec, index) => {
    world.store.create(NODE, nodeObject(spec, { index, kubeletVersion: t.cluster.kubernetesVersion, bootId: lab.power.bootId(spec.name), machineId: world.prng.hex(32), createdAt: clusterBorn, readyAt: clusterBorn }));
  });

  for (const v of t.longhorn.volumes) {
    const accessModes = [v.accessMode === 'rwx' ? 'ReadWriteMany' : 'ReadWriteOnce'];
    const storage = `${Math.round(v.size / 1024 ** 2)}Mi`;
    create('PersistentVolume', { metadata: { name: v.name }, spec: { capacity: { storage }, accessModes, persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'longhorn', csi: { driver: 'driver.longhorn.io', volumeHandle: v.name, fsType: 'ext4' }, claimRef: { kind: 'PersistentVolumeClaim', namespace: v.pvc.namespace, name: v.pvc.name } }, status: { phase: 'Bound' } });
    create('PersistentVolumeClaim', { metadata: { name: v.pvc.name, namespace: v.pvc.namespace }, spec: { accessModes, storageClassName: 'longhorn', volumeName: v.name, resources: { requests: { storage } } }, status: { phase: 'Bound', accessModes, capacity: { storage } } });
  }

  let clusterIp = 10;
  for (const w of t.workloads) {
    const claim = t.longhorn.volumes.find((v) => v.name === w.needs.volume)?.pvc.name;
    const def = w.kind === 'Deployment' ? DEPLOYMENT : w.kind === 'StatefulSet' ? STATEFULSET : DAEMONSET;
    world.store.create(def, workloadObject(w, claim, clusterBorn, t.timings.progressDeadline));
    create('ServiceAccount', { metadata: { name: w.name, namespace: w.namespace } });
    if (w.kind !== 'DaemonSet') {
      create('Service', { metadata: { name: w.name, namespace: w.namespace, labels: { app: w.name } }, spec: { type: 'ClusterIP', clusterIP: `10.43.${Math.floor(clusterIp / 250)}.${clusterIp++ % 250}`, selector: { app: w.name }, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] }, status: { loadBalancer: {} } });
    }
  }

  for (const role of t.vault.kubernetesRoles) {
    for (const ns of role.namespaces) {
      create('VaultAuth', { metadata: { name: role.name, namespace: ns }, spec: { method: 'kubernetes', mount: 'kubernetes', kubernetes: { role: role.name, serviceAccount: role.serviceAccounts[0], audiences: ['vault'] } }, status: { valid: true, error: '' } }, 'secrets.hashicorp.com/v1beta1');
    }
  }
  for (const s of t.vso.dynamicSecrets) {
    world.store.create(VDS, { apiVersion: 'secrets.hashicorp.com/v1beta1', kind: 'VaultDynamicSecret', metadata: { name: s.name, namespace: s.namespace, creationTimestamp: clusterBorn }, spec: { vaultAuthRef: s.role, mount: s.mount, path: s.path, renewalPercent: s.renewalPercent, destination: { name: s.destination, create: true }, rolloutRestartTargets: s.rolloutRestartTargets }, status: {} });
  }
  for (const s of t.vso.staticSecrets) {
    world.store.create(VSS, { apiVersion: 'secrets.hashicorp.com/v1beta1', kind: 'VaultStaticSecret', metadata: { name: s.name, namespace: s.namespace, creationTimestamp: clusterBorn }, spec: { vaultAuthRef: s.role, mount: s.mount, type: 'kv-v2', path: s.path, refreshAfter: `${Math.round(s.refreshAfter / 1000)}s`, destination: { name: s.destination, create: true } }, status: {} });
  }

  seedArgoCdReader(lab, create);
  const head = lab.gitea.head(lab.gitea.gitopsRepo()).sha;
  const application = (name: string, path: string, namespace: string) => {
    const manifest = applicationManifest(t, name, path, namespace);
    world.store.create(APPLICATION, { ...manifest, metadata: { ...manifest.metadata, creationTimestamp: clusterBorn }, status: { sync: { status: 'Synced', revision: head }, health: { status: 'Healthy' } } });
  };
  application(t.argocd.root, 'apps', 'argocd');
  for (const app of t.argocd.apps) {
    application(app.name, appPath(app.name), app.namespace);
    for (const cm of app.configMaps) world.store.create(r('ConfigMap'), withTrackingId(app.name, configMap(app, cm)));
  }

  createLoadPods(lab, scale);
  seedAccessControl(create, accessUid);
  world.settle();
  world.bootstrapping = false;
  world.settle();
}

/**
 * Argo CD reads the private gitops repository as a Gitea user of its own: a read collaborator
 * with a `read:repository` token, in a repository Secret (argocd-repo-server's credentials).
 */
function seedArgoCdReader(lab: Lab, create: (kind: string, obj: { metadata: ObjectMeta; [field: string]: unknown }) => unknown): void {
  const t = lab.world.topology;
  const users = lab.gitea.users;
  const reader = users.create({ login: 'argocd', email: `argocd@${t.cluster.dnsZone}`, password: '', now: lab.world.now() });
  users.setCollaborator(t.argocd.repo, reader.login, 'read');
  const token = users.addToken(reader, 'argocd-repo-server', ['read:repository']);
  const data = { type: 'git', url: `https://gitea.${t.cluster.dnsZone}/${t.argocd.repo}.git`, username: reader.login, password: token.sha1 };
  create('Secret', {
    metadata: { name: 'repo-gitops', namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'repository' } },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  });
}

/** Steady Running pods on the generated agents, shaped like the lab's: static list and watch load. */
function createLoadPods(lab: Lab, scale: Scale | undefined): void {
  const perNode = scale?.podsPerNode ?? 0;
  if (!perNode) return;
  const { world } = lab;
  const startedAt = world.now() - BOOTSTRAP_UPTIME_MS;
  const template: PodTemplate = { metadata: { labels: { app: 'load' } }, spec: { serviceAccountName: 'default', containers: [{ name: 'pause', image: LOAD_IMAGE, imagePullPolicy: 'IfNotPresent' }] } };
  lab.power.specs().forEach((spec, index) => {
    if (!spec.generated) return;
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `load-${spec.name}`, uid: world.prng.uid(), controller: true, blockOwnerDeletion: true };
    for (let i = 0; i < perNode; i++) {
      const pod = podFromTemplate(template, { name: `load-${spec.name}-${i}`, namespace: 'load', owner, extraLabels: { shard: String(i % 10) }, nodeName: spec.name });
      pod.metadata.creationTimestamp = isoTime(startedAt);
      pod.status = podStatus(pod, {
        key: `load/${pod.metadata.name}`,
        node: spec.name,
        bootId: lab.power.bootId(spec.name),
        state: 'running',
        createdAt: startedAt,
        sidecarRestarts: {},
        startAt: startedAt,
        startedAt,
        restartCount: 0,
        ready: true,
        containerId: world.prng.hex(64),
        log: [],
        previousLog: [],
        podIP: podCidr(index).replace(/0\/24$/, String(i + 2)),
        hostIP: spec.internalIP,
      });
      world.store.create(POD, pod);
    }
  });
}
