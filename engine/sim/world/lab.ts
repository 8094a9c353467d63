import type { SimClock } from '../clock.ts';
import type { Prng } from '../prng.ts';
import type { NodeSpec, Topology } from '../topology/topology-types.ts';
import { ArgoCd } from './argocd.ts';
import { Gitea } from './gitea.ts';
import type { GiteaUsers } from './gitea-users.ts';
import { Kubelet } from './kubelet.ts';
import { Longhorn } from './longhorn.ts';
import { LonghornSync } from './longhorn-sync.ts';
import { NodeLifecycleController } from './node-lifecycle.ts';
import { PodDependencies } from './pod-dependencies.ts';
import { Postgres } from './postgres.ts';
import { Power } from './power.ts';
import { Scheduler } from './scheduler.ts';
import { StepCa } from './stepca.ts';
import { VaultCore } from './vault-core.ts';
import { VaultProcess } from './vault-process.ts';
import { Vso } from './vso.ts';
import { WorkloadController } from './workload-controller.ts';
import { World } from './world.ts';
import { workloadImages } from './chart-pod-templates.ts';

/** Every model of the lab, wired together; the controllers run in dependency order each pass. */
export class Lab {
  readonly world: World;
  readonly power: Power;
  readonly postgres: Postgres;
  readonly gitea: Gitea;
  readonly longhorn: Longhorn;
  readonly vault: VaultCore;
  readonly kubelet: Kubelet;
  readonly vso: Vso;
  readonly argocd: ArgoCd;
  readonly stepca: StepCa;

  /** `gitRoot`: where Gitea's bare repositories live (`<stateDir>/git`); `giteaUsers`: Gitea's accounts. */
  constructor(topology: Topology, nodes: NodeSpec[], clock: SimClock, prng: Prng, historyLimit: number, gitRoot: string, giteaUsers: GiteaUsers) {
    const world = new World(topology, clock, prng, historyLimit);
    this.world = world;
    this.power = new Power(world);
    for (const node of nodes) this.power.add(node);
    const controlPlaneUp = () => this.power.controlPlaneUp();
    this.postgres = new Postgres(world, this.power);
    this.gitea = new Gitea(world, this.power, this.postgres, gitRoot, giteaUsers);
    this.longhorn = new Longhorn(world, this.power);
    this.vault = new VaultCore(world, this.postgres);
    const cachedImages = new Set([...topology.workloads.flatMap(workloadImages), LOAD_IMAGE]);
    const registry = { has: (image: string) => cachedImages.has(image) || this.gitea.hostsImage(image) };
    const deps = new PodDependencies(world, this.longhorn, this.postgres, this.vault);
    this.kubelet = new Kubelet(world, this.power, this.longhorn, deps, registry);
    this.vso = new Vso(world, this.vault, this.kubelet, controlPlaneUp);
    this.argocd = new ArgoCd(world, this.gitea, this.kubelet, controlPlaneUp);
    this.stepca = new StepCa(world, this.kubelet);
    world.register(new NodeLifecycleController(world, this.power));
    world.register(new WorkloadController(world, controlPlaneUp));
    world.register(new Scheduler(world, controlPlaneUp));
    world.register(this.kubelet);
    world.register(new VaultProcess(world, this.vault, this.kubelet));
    world.register(new LonghornSync(world, this.longhorn, controlPlaneUp));
    world.register(this.vso);
    world.register(this.argocd);
  }
}

/** Image of the generated benchmark pods. */
export const LOAD_IMAGE = 'registry.k8s.io/pause:3.10';
