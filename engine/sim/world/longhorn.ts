import type { VolumeSpec } from '../topology/topology-types.ts';
import { dataDirectoryName, defaultDiskName, replicaName } from './longhorn-names.ts';
import type { Power } from './power.ts';
import type { World } from './world.ts';

/** A replica directory on a node's disk: `<volume>-<random id>` holding volume-head-*.img files. */
export interface ReplicaDir {
  node: string;
  dir: string;
  volume: string;
  /** The data the image files hold; null for a fresh, empty replica. */
  content: string | null;
}

export interface LiveReplica {
  name: string;
  node: string;
  dir: string;
  failed: boolean;
  failedAt?: number;
  rebuildDoneAt?: number;
}

/** A node's default Longhorn disk; its UUID lives in the disk's own longhorn-disk.cfg, so it outlives a reinstall. */
export interface LonghornDisk {
  name: string;
  uuid: string;
  path: string;
}

export interface LonghornVolume {
  spec: VolumeSpec;
  replicas: LiveReplica[];
  attachedNode?: string;
  /** Pod using the volume, or "maintenance" during a block-device injection. */
  attachedBy?: string;
  injection?: { source: ReplicaDir; doneAt: number };
  /** Set when the Volume/Engine/Replica CRs must be deleted and created anew (new replicas, new data directories). */
  recreate: boolean;
}

export class LonghornConflict extends Error {}

/**
 * Longhorn as the lab met it: each replica is its own directory on a node's disk; data survives a
 * power cut on disk, but when the CRDs are wiped and recreated the volumes get new replicas in new,
 * empty directories, and the data-bearing old `<volume>-<id>` directories are orphaned.
 */
export class Longhorn {
  readonly disks = new Map<string, Map<string, ReplicaDir>>();
  /** Each storage node's default disk. */
  readonly nodeDisks = new Map<string, LonghornDisk>();
  readonly volumes = new Map<string, LonghornVolume>();
  /** While set, the CRDs are gone (after a power cut) until this moment. */
  reinstallAt: number | undefined;

  constructor(
    private readonly world: World,
    private readonly power: Power,
  ) {
    for (const node of this.storageNodes()) this.nodeDisks.set(node, { name: defaultDiskName(world.prng), uuid: world.prng.uid(), path: world.topology.longhorn.dataPath });
    for (const spec of world.topology.longhorn.volumes) this.create(spec, spec.dataToken);
  }

  nodeDisk(node: string): LonghornDisk {
    const disk = this.nodeDisks.get(node);
    if (!disk) throw new Error(`${node} has no Longhorn disk`);
    return disk;
  }

  private storageNodes(): string[] {
    return this.power.specs().filter((n) => !n.generated).map((n) => n.name);
  }

  private disk(node: string): Map<string, ReplicaDir> {
    let disk = this.disks.get(node);
    if (!disk) {
      disk = new Map();
      this.disks.set(node, disk);
    }
    return disk;
  }

  /** One new replica per storage node, each in its own new directory holding `content`. */
  private create(spec: VolumeSpec, content: string | null): void {
    const replicas = this.storageNodes().slice(0, 3).map((node) => {
      const name = replicaName(spec.name, this.world.prng);
      const dir = dataDirectoryName(spec.name, this.world.prng);
      this.disk(node).set(dir, { node, dir, volume: spec.name, content });
      const failed = !this.power.isBooted(node);
      return { name, node, dir, failed, failedAt: failed ? this.world.now() : undefined };
    });
    this.volumes.set(spec.name, { spec, replicas, recreate: true });
    this.world.touch();
  }

  get ready(): boolean {
    return this.reinstallAt === undefined && this.power.controlPlaneUp();
  }

  volume(name: string): LonghornVolume | undefined {
    return this.volumes.get(name);
  }

  content(v: LonghornVolume): string | null {
    const healthy = v.replicas.find((r) => !r.failed && r.rebuildDoneAt === undefined);
    return (healthy && this.disk(healthy.node).get(healthy.dir)?.content) ?? null;
  }

  orphans(volume?: string): ReplicaDir[] {
    const live = new Set([...this.volumes.values()].flatMap((v) => v.replicas.map((r) => `${r.node}/${r.dir}`)));
    return [...this.disks.values()]
      .flatMap((d) => [...d.values()])
      .filter((d) => !live.has(`${d.node}/${d.dir}`) && (volume === undefined || d.volume === volume));
  }

  robustness(v: LonghornVolume): 'healthy' | 'degraded' | 'faulted' | 'unknown' {
    if (!v.attachedNode) return 'unknown';
    const healthy = v.replicas.filter((r) => !r.failed && r.rebuildDoneAt === undefined).length;
    return healthy === v.replicas.length ? 'healthy' : healthy > 0 ? 'degraded' : 'faulted';
  }

  /** Why `podKey` cannot attach `name` on `node` right now, or null. */
  attachProblem(name: string, podKey: string, podAlive: (key: string) => boolean): string | null {
    const v = this.volumes.get(name);
    if (!this.ready || !v) return `AttachVolume.Attach failed for volume "${name}" : rpc error: code = Unavailable desc = longhorn-manager is not ready`;
    if (v.attachedBy === 'maintenance') return `AttachVolume.Attach failed for volume "${name}" : volume is attached in maintenance mode`;
    if (v.attachedBy && v.attachedBy !== podKey && podAlive(v.attachedBy) && v.spec.accessMode === 'rwo') {
      return `Multi-Attach error for volume "${name}" Volume is already used by pod(s) ${v.attachedBy.split('/')[1]}`;
    }
    if (!v.replicas.some((r) => this.power.isBooted(r.node))) return `AttachVolume.Attach failed for volume "${name}" : volume is faulted`;
    return null;
  }

  attach(name: string, podKey: string, node: string): void {
    const v = this.volumes.get(name);
    if (!v || (v.attachedBy === podKey && v.attachedNode === node)) return;
    v.attachedBy = podKey;
    v.attachedNode = node;
    this.world.touch();
  }

  release(podKey: string): void {
    for (const v of this.volumes.values()) {
      if (v.attachedBy !== podKey) continue;
      v.attachedBy = undefined;
      v.attachedNode = undefined;
      this.world.touch();
    }
  }

  /** Replica health follows node power; a returning replica of an attached volume rebuilds. */
  tick(): void {
    const now = this.world.now();
    for (const v of this.volumes.values()) {
      for (const r of v.replicas) {
        const up = this.power.isBooted(r.node);
        if (!up && !r.failed) {
          r.failed = true;
          r.failedAt = now;
          r.rebuildDoneAt = undefined;
          this.world.touch();
        } else if (up && r.failed && this.ready) {
          r.failed = false;
          r.failedAt = undefined;
          if (v.attachedNode) r.rebuildDoneAt = now + this.world.topology.timings.volumeRebuild;
          else this.copyFromHealthy(v, r);
          this.world.touch();
        }
        if (r.rebuildDoneAt !== undefined) {
          if (now >= r.rebuildDoneAt) {
            r.rebuildDoneAt = undefined;
            this.copyFromHealthy(v, r);
            this.world.touch();
          } else {
            this.world.wakeAt(r.rebuildDoneAt);
          }
        }
      }
      if (v.injection) {
        if (now >= v.injection.doneAt) this.finishInjection(v);
        else this.world.wakeAt(v.injection.doneAt);
      }
    }
    if (this.reinstallAt !== undefined && this.power.controlPlaneUp()) {
      if (now >= this.reinstallAt) this.reinstall();
      else this.world.wakeAt(this.reinstallAt);
    }
  }

  private copyFromHealthy(v: LonghornVolume, target: LiveReplica): void {
    const source = v.replicas.find((r) => r !== target && !r.failed && r.rebuildDoneAt === undefined);
    const dir = this.disk(target.node).get(target.dir);
    if (source && dir) dir.content = this.disk(source.node).get(source.dir)?.content ?? null;
  }

  /** Power is back: the CRDs are force-deleted and Longhorn reinstalled once k3s is up. */
  scheduleReinstall(controlPlaneUpAt: number): void {
    this.reinstallAt = controlPlaneUpAt + this.world.topology.timings.longhornReinstall;
    for (const v of this.volumes.values()) {
      v.attachedBy = undefined;
      v.attachedNode = undefined;
    }
    this.world.wakeAt(this.reinstallAt);
    this.world.touch();
  }

  private reinstall(): void {
    this.reinstallAt = undefined;
    for (const v of [...this.volumes.values()]) this.create(v.spec, null);
  }

  /** Who had a volume attached when its Volume object was deleted: the pod keeps its mount until it goes. */
  private readonly lostAttachments = new Map<string, Pick<LonghornVolume, 'attachedBy' | 'attachedNode'>>();

  /**
   * Its Volume object was deleted through the API with no finalizer left (a reinstall, or the
   * drill doing what one does): longhorn-manager never cleaned up, so the replicas' directories
   * stay on the disks, data and all, and are orphaned.
   */
  forget(name: string): void {
    const v = this.volumes.get(name);
    if (!v) return;
    this.lostAttachments.set(name, { attachedBy: v.attachedBy, attachedNode: v.attachedNode });
    this.volumes.delete(name);
    this.world.touch();
  }

  /**
   * A Volume object created through the API for a volume of the lab that has none: the volume
   * controller gives it a new engine and new replicas, each in a new, empty data directory.
   */
  adopt(name: string): void {
    const spec = this.world.topology.longhorn.volumes.find((s) => s.name === name);
    if (!spec || this.volumes.has(name)) return;
    this.create(spec, null);
    const v = this.volumes.get(name) as LonghornVolume;
    // The object is the one just created; only the engine and replicas are new.
    v.recreate = false;
    Object.assign(v, this.lostAttachments.get(name) ?? {});
    this.lostAttachments.delete(name);
  }

  /** volume-corrupt: this volume's CRs are recreated; its data is left in orphaned directories. */
  corrupt(name: string): void {
    const v = this.volumes.get(name);
    if (!v) throw new LonghornConflict(`unknown volume ${name}`);
    const { attachedBy, attachedNode } = v;
    this.create(v.spec, null);
    Object.assign(this.volumes.get(name) as LonghornVolume, { attachedBy, attachedNode });
  }

  private injectionSource(name: string): ReplicaDir {
    const source = this.orphans(name).find((d) => d.content !== null && this.power.isBooted(d.node));
    if (!source) throw new LonghornConflict(`no orphaned replica directory with data for volume ${name} on a running node`);
    return source;
  }

  /** Method D: maintenance-mode attach, then copy the merged image from the orphaned directory. */
  injectBlockDevice(name: string, podAlive: (key: string) => boolean): { source: ReplicaDir; doneAt: number; node: string } {
    const v = this.volumes.get(name);
    if (!this.ready || !v) throw new LonghornConflict('Longhorn is not ready (manager or CRDs not up yet)');
    if (v.injection) throw new LonghornConflict(`a block-device injection into ${name} is already running`);
    if (v.attachedBy && podAlive(v.attachedBy)) {
      throw new LonghornConflict(`volume ${name} is attached to ${v.attachedNode} by pod ${v.attachedBy}; scale its workload down first`);
    }
    const source = this.injectionSource(name);
    const doneAt = this.world.now() + this.world.topology.timings.blockDeviceInjection;
    v.injection = { source, doneAt };
    v.attachedBy = 'maintenance';
    v.attachedNode = source.node;
    this.world.wakeAt(doneAt);
    this.world.touch();
    return { source, doneAt, node: source.node };
  }

  private finishInjection(v: LonghornVolume): void {
    const { source } = v.injection as { source: ReplicaDir };
    for (const r of v.replicas) {
      const dir = this.disk(r.node).get(r.dir);
      if (dir) dir.content = source.content;
    }
    v.injection = undefined;
    v.attachedBy = undefined;
    v.attachedNode = undefined;
    this.world.touch();
  }

  /**
   * The forbidden method: rename an orphaned directory to its node's new replica directory.
   * Reconciliation finds a dirty replica next to clean empty ones, rebuilds from an empty one, and
   * the data is gone.
   */
  renameOrphan(name: string): { renamed: ReplicaDir } {
    const v = this.volumes.get(name);
    if (!this.ready || !v) throw new LonghornConflict('Longhorn is not ready (manager or CRDs not up yet)');
    const source = this.injectionSource(name);
    for (const orphan of this.orphans(name)) this.disk(orphan.node).delete(orphan.dir);
    for (const r of v.replicas) {
      const dir = this.disk(r.node).get(r.dir);
      if (dir) dir.content = null;
    }
    this.world.touch();
    return { renamed: source };
  }

  /** Deleting an Orphan object makes longhorn-manager delete the directory. */
  deleteDir(node: string, dir: string): void {
    if (this.disk(node).delete(dir)) this.world.touch();
  }
}
