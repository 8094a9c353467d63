import { isoTime, type KubeObject } from '../kube/kube-object.ts';
import { resourceForKind } from '../kube/resources.ts';
import type { LiveReplica, Longhorn, LonghornVolume, ReplicaDir } from './longhorn.ts';
import { engineName, instanceManagerName, orphanName } from './longhorn-names.ts';
import type { Controller, World } from './world.ts';

const VOLUME = resourceForKind('longhorn.io/v1beta2', 'Volume');
const ENGINE = resourceForKind('longhorn.io/v1beta2', 'Engine');
const REPLICA = resourceForKind('longhorn.io/v1beta2', 'Replica');
const ORPHAN = resourceForKind('longhorn.io/v1beta2', 'Orphan');
const LONGHORN_NODE = resourceForKind('longhorn.io/v1beta2', 'Node');
const KUBE_NODE = resourceForKind('v1', 'Node');
const NS = 'longhorn-system';

/**
 * longhorn-manager's view of the model, written as longhorn.io/v1beta2 Volume, Engine, Replica
 * and Orphan objects. Deleting an Orphan through the API deletes its directory, as in Longhorn.
 */
export class LonghornSync implements Controller {
  readonly name = 'longhorn';

  constructor(
    private readonly world: World,
    private readonly longhorn: Longhorn,
    private readonly controlPlaneUp: () => boolean,
  ) {
    world.store.onChange((def, event) => {
      if (this.writing) return;
      if (def === ORPHAN && event.type === 'DELETED') {
        const spec = event.entry.obj.spec as { nodeID: string; parameters: { DataName: string } };
        longhorn.deleteDir(spec.nodeID, spec.parameters.DataName);
      }
      // A Volume deleted or created through the API, as a Longhorn reinstall (or the drills) do.
      if (def === VOLUME && event.type === 'DELETED') longhorn.forget(event.entry.obj.metadata.name);
      if (def === VOLUME && event.type === 'ADDED') {
        longhorn.adopt(event.entry.obj.metadata.name);
        this.admitted.add(event.entry.obj.metadata.name);
      }
    });
  }

  /** Set while this controller writes its own objects: only the API's writes are someone else's. */
  private writing = false;
  /** Volumes created through the API: longhorn-manager's mutating webhook gives them its finalizer on admission. */
  private readonly admitted = new Set<string>();

  reconcile(): void {
    this.writing = true;
    try {
      this.sync();
    } finally {
      this.writing = false;
    }
  }

  private sync(): void {
    this.longhorn.tick();
    if (!this.controlPlaneUp()) return;
    const { store } = this.world;
    const wanted = { engines: new Set<string>(), replicas: new Set<string>() };
    for (const v of this.longhorn.volumes.values()) {
      const engine = engineName(v.spec.name);
      if (v.recreate) {
        // Recreated CRs: the engine keeps its name (`-e-0`) but is a new object.
        store.remove(VOLUME, NS, v.spec.name);
        store.remove(ENGINE, NS, engine);
        v.recreate = false;
      }
      wanted.engines.add(engine);
      this.put(VOLUME, this.volumeObject(v));
      this.put(ENGINE, this.engineObject(v, engine));
      for (const r of v.replicas) {
        wanted.replicas.add(r.name);
        this.put(REPLICA, this.replicaObject(v, r, engine));
      }
    }
    for (const e of store.list(ENGINE, NS)) if (!wanted.engines.has(e.metadata.name)) store.remove(ENGINE, NS, e.metadata.name);
    for (const r of store.list(REPLICA, NS)) if (!wanted.replicas.has(r.metadata.name)) store.remove(REPLICA, NS, r.metadata.name);
    if (this.longhorn.reinstallAt !== undefined) return;
    for (const node of this.longhorn.nodeDisks.keys()) this.put(LONGHORN_NODE, this.nodeObject(node));
    const orphans = new Map(this.longhorn.orphans().map((d) => [orphanName(d.node, this.longhorn.nodeDisk(d.node), d.dir), d]));
    for (const [name, d] of orphans) this.put(ORPHAN, this.orphanObject(name, d));
    for (const o of store.list(ORPHAN, NS)) if (!orphans.has(o.metadata.name)) store.remove(ORPHAN, NS, o.metadata.name);
  }

  private put(def: typeof VOLUME, obj: KubeObject): void {
    const { store } = this.world;
    if (!store.get(def, NS, obj.metadata.name)) {
      store.create(def, { ...obj, metadata: { ...obj.metadata, creationTimestamp: this.world.creationStamp() } });
      return;
    }
    const admitted = def === VOLUME && this.admitted.delete(obj.metadata.name);
    store.update(def, NS, obj.metadata.name, (draft) => {
      if (admitted) draft.metadata.finalizers = obj.metadata.finalizers;
      draft.spec = obj.spec;
      draft.status = obj.status;
      draft.metadata.labels = obj.metadata.labels;
    });
  }

  private base(kind: string, name: string, labels: Record<string, string>): KubeObject {
    return { apiVersion: 'longhorn.io/v1beta2', kind, metadata: { name, namespace: NS, labels, finalizers: ['longhorn.io'] } };
  }

  private get image(): string {
    return `longhornio/longhorn-engine:${this.world.topology.longhorn.version}`;
  }

  private instanceManager(node: string): string {
    return instanceManagerName(node, this.world.topology.longhorn.version);
  }

  private volumeObject(v: LonghornVolume): KubeObject {
    const maintenance = v.attachedBy === 'maintenance';
    const pod = v.attachedBy && !maintenance ? v.attachedBy.split('/') : undefined;
    return {
      ...this.base('Volume', v.spec.name, { longhornvolume: v.spec.name, 'recurring-job-group.longhorn.io/default': 'enabled' }),
      spec: {
        size: String(v.spec.size),
        numberOfReplicas: v.replicas.length,
        frontend: 'blockdev',
        dataEngine: 'v1',
        accessMode: v.spec.accessMode,
        dataLocality: 'disabled',
        disableFrontend: maintenance,
        staleReplicaTimeout: 30,
        migratable: false,
        encrypted: false,
        image: this.image,
      },
      status: {
        state: v.attachedNode ? 'attached' : 'detached',
        robustness: this.longhorn.robustness(v),
        currentNodeID: v.attachedNode ?? '',
        frontendDisabled: maintenance,
        currentImage: this.image,
        ownerID: v.attachedNode ?? v.replicas.find((r) => !r.failed)?.node ?? '',
        actualSize: this.longhorn.content(v) ? Math.round(v.spec.size * 0.37) : 0,
        kubernetesStatus: {
          pvName: v.spec.name,
          pvStatus: 'Bound',
          namespace: v.spec.pvc.namespace,
          pvcName: v.spec.pvc.name,
          workloadsStatus: pod ? [{ podName: pod[1], podStatus: 'Running', workloadName: pod[1]?.replace(/-[a-z0-9]+-[a-z0-9]+$/, ''), workloadType: 'ReplicaSet' }] : null,
        },
        conditions: [
          { type: 'Scheduled', status: 'True', reason: '', message: '' },
          { type: 'Restore', status: 'False', reason: '', message: '' },
        ],
      },
    };
  }

  private engineObject(v: LonghornVolume, engine: string): KubeObject {
    const running = !!v.attachedNode;
    const modes: Record<string, string> = {};
    if (running) for (const r of v.replicas) modes[r.name] = r.failed ? 'ERR' : r.rebuildDoneAt !== undefined ? 'WO' : 'RW';
    return {
      ...this.base('Engine', engine, { longhornvolume: v.spec.name, longhornnode: v.attachedNode ?? '' }),
      spec: { volumeName: v.spec.name, nodeID: v.attachedNode ?? '', dataEngine: 'v1', image: this.image, active: true, desireState: running ? 'running' : 'stopped', frontend: 'blockdev', disableFrontend: v.attachedBy === 'maintenance' },
      status: {
        currentState: running ? 'running' : 'stopped',
        replicaModeMap: running ? modes : null,
        endpoint: running && v.attachedBy !== 'maintenance' ? `/dev/longhorn/${v.spec.name}` : '',
        instanceManagerName: v.attachedNode ? this.instanceManager(v.attachedNode) : '',
        ownerID: v.attachedNode ?? '',
      },
    };
  }

  private replicaObject(v: LonghornVolume, r: LiveReplica, engine: string): KubeObject {
    const state = r.failed ? 'error' : v.attachedNode ? 'running' : 'stopped';
    return {
      ...this.base('Replica', r.name, { longhornvolume: v.spec.name, longhornnode: r.node }),
      spec: {
        nodeID: r.node,
        volumeName: v.spec.name,
        engineName: engine,
        dataDirectoryName: r.dir,
        diskPath: this.longhorn.nodeDisk(r.node).path,
        diskID: this.longhorn.nodeDisk(r.node).uuid,
        dataEngine: 'v1',
        image: this.image,
        active: true,
        desireState: v.attachedNode ? 'running' : 'stopped',
        failedAt: r.failedAt !== undefined ? isoTime(r.failedAt) : '',
        volumeSize: String(v.spec.size),
      },
      status: { currentState: state, instanceManagerName: this.instanceManager(r.node), ownerID: r.node },
    };
  }

  /**
   * The node controller's view of a storage node: its default disk, known by the UUID written in
   * the disk's longhorn-disk.cfg, and the replicas scheduled on it.
   */
  private nodeObject(node: string): KubeObject {
    const disk = this.longhorn.nodeDisk(node);
    const scheduled = [...this.longhorn.volumes.values()].flatMap((v) => v.replicas.filter((r) => r.node === node).map((r) => [r.name, v.spec.size] as const));
    const kubeNode = this.world.store.get(KUBE_NODE, undefined, node) as { status?: { conditions?: { type: string; status: string; reason?: string }[] } } | undefined;
    const kubeReady = kubeNode?.status?.conditions?.find((c) => c.type === 'Ready');
    const ready = kubeReady?.status === 'True'
      ? { type: 'Ready', status: 'True', reason: '', message: `Node ${node} is ready` }
      : { type: 'Ready', status: 'False', reason: 'KubernetesNodeNotReady', message: `Kubernetes node ${node} not ready: ${kubeReady?.reason ?? ''}` };
    return {
      ...this.base('Node', node, {}),
      spec: {
        name: node,
        allowScheduling: true,
        evictionRequested: false,
        tags: [],
        instanceManagerCPURequest: 0,
        disks: { [disk.name]: { path: disk.path, allowScheduling: true, evictionRequested: false, storageReserved: 0, tags: [], diskType: 'filesystem', diskDriver: '' } },
      },
      status: {
        conditions: [ready, { type: 'Schedulable', status: 'True', reason: '', message: '' }],
        diskStatus: {
          [disk.name]: {
            diskUUID: disk.uuid,
            diskName: disk.name,
            diskPath: disk.path,
            diskType: 'filesystem',
            diskDriver: '',
            instanceManagerName: this.instanceManager(node),
            scheduledReplica: Object.fromEntries(scheduled),
            storageScheduled: scheduled.reduce((sum, [, size]) => sum + size, 0),
            conditions: [
              { type: 'Ready', status: 'True', reason: '', message: `Disk ${disk.name}(${disk.path}) on node ${node} is ready` },
              { type: 'Schedulable', status: 'True', reason: '', message: `Disk ${disk.name}(${disk.path}) on node ${node} is schedulable` },
            ],
          },
        },
        region: '',
        zone: '',
        autoEvicting: false,
      },
    };
  }

  private orphanObject(name: string, d: ReplicaDir): KubeObject {
    const disk = this.longhorn.nodeDisk(d.node);
    return {
      ...this.base('Orphan', name, { 'longhorn.io/component': 'orphan', 'longhorn.io/managed-by': 'longhorn-manager', 'longhorn.io/orphan-type': 'replica', longhornnode: d.node }),
      spec: {
        nodeID: d.node,
        orphanType: 'replica',
        parameters: { DataName: d.dir, DiskName: disk.name, DiskPath: disk.path, DiskType: 'filesystem', DiskUUID: disk.uuid },
      },
      status: {
        ownerID: d.node,
        conditions: [{ type: 'DataCleanable', status: 'True', reason: '', message: '' }],
      },
    };
  }
}
