import type { SimClock } from '../clock.ts';
import { isoTime, type KubeObject } from '../kube/kube-object.ts';
import { KubeStore } from '../kube/store.ts';
import type { Prng } from '../prng.ts';
import type { Topology } from '../topology/topology-types.ts';
import { EventRecorder } from './events.ts';
import { PodIndex } from './pod-index.ts';

/** A level-triggered piece of the lab: reads the world, writes what it owns, asks to be woken. */
export interface Controller {
  readonly name: string;
  reconcile(): void;
}

const MAX_SETTLE_PASSES = 50;
const LAB_AGE_MS = 41 * 86_400_000;

/**
 * Shared state and plumbing for every model in lab-sim. Controllers never hold timers of their
 * own: they compute their state from timestamps and call wakeAt() for the next moment something
 * is due, so the manual clock can replay any scenario deterministically.
 */
export class World {
  readonly store: KubeStore;
  readonly pods: PodIndex;
  readonly events: EventRecorder;
  private readonly controllers: Controller[] = [];
  private readonly wakeups = new Set<number>();
  private settling = false;
  /** True while startStateFromTopology builds the running lab: no start delays, no restarts. */
  bootstrapping = true;
  private again = false;
  /** Bumped by models for state that lives outside the store (power, seal, disks, databases). */
  private outsideVersion = 0;

  constructor(
    readonly topology: Topology,
    readonly clock: SimClock,
    readonly prng: Prng,
    historyLimit: number,
  ) {
    this.store = new KubeStore({ historyLimit, now: () => clock.now(), uid: () => prng.uid() });
    this.pods = new PodIndex(this.store);
    this.events = new EventRecorder(this.store, () => clock.now(), prng, topology.timings.eventRetention);
    clock.onTimerRan(() => this.settle());
  }

  now(): number {
    return this.clock.now();
  }

  /** Objects made while bootstrapping date from when the lab was built, not from sim start. */
  creationStamp(): string | undefined {
    return this.bootstrapping ? isoTime(this.now() - LAB_AGE_MS) : undefined;
  }

  register(controller: Controller): void {
    this.controllers.push(controller);
  }

  /** Marks state outside the store as changed so settle() runs another pass. */
  touch(): void {
    this.outsideVersion++;
  }

  /** Guarantees a settle at `time` (sim ms). */
  wakeAt(time: number): void {
    const at = Math.ceil(time);
    if (at <= this.now()) {
      this.again = true;
      return;
    }
    if (this.wakeups.has(at)) return;
    this.wakeups.add(at);
    this.clock.schedule(at - this.now(), () => this.wakeups.delete(at));
  }

  /** Runs every controller until nothing changes any more (re-entrant calls are folded in). */
  settle(): void {
    if (this.settling) {
      this.again = true;
      return;
    }
    this.settling = true;
    try {
      for (let pass = 0; pass < MAX_SETTLE_PASSES; pass++) {
        const before = `${this.store.resourceVersion}:${this.outsideVersion}`;
        this.again = false;
        for (const c of this.controllers) c.reconcile();
        if (!this.again && before === `${this.store.resourceVersion}:${this.outsideVersion}`) return;
      }
      throw new Error(`lab-sim controllers did not settle after ${MAX_SETTLE_PASSES} passes`);
    } finally {
      this.settling = false;
    }
  }

  /**
   * Records a core/v1 Event about `obj`, like the component named in `source` would. Warnings
   * raised while bootstrapping are start-up ordering artefacts of a lab that is healthy: dropped.
   */
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, source: string): void {
    if (this.bootstrapping && type === 'Warning') return;
    this.events.record(obj, type, reason, message, source);
  }
}
