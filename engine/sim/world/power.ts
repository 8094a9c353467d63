import type { NodeSpec } from '../topology/topology-types.ts';
import type { World } from './world.ts';

interface NodePower {
  spec: NodeSpec;
  powered: boolean;
  /** When the OS, kubelet (and on the server, k3s) are up again after power-on. */
  bootDoneAt: number;
  /** Last moment the kubelet was known alive: power-off time while it is down. */
  silentSince: number | undefined;
  bootId: string;
}

/** Which machines have power and which have finished booting. */
export class Power {
  private readonly nodes = new Map<string, NodePower>();

  constructor(private readonly world: World) {}

  add(spec: NodeSpec): void {
    this.nodes.set(spec.name, { spec, powered: true, bootDoneAt: 0, silentSince: undefined, bootId: this.world.prng.uid() });
  }

  names(): string[] {
    return [...this.nodes.keys()];
  }

  specs(): NodeSpec[] {
    return [...this.nodes.values()].map((n) => n.spec);
  }

  has(node: string): boolean {
    return this.nodes.has(node);
  }

  private get(node: string): NodePower {
    const n = this.nodes.get(node);
    if (!n) throw new Error(`unknown node ${node}`);
    return n;
  }

  isPowered(node: string): boolean {
    return this.get(node).powered;
  }

  isBooted(node: string): boolean {
    const n = this.get(node);
    return n.powered && this.world.now() >= n.bootDoneAt;
  }

  bootDoneAt(node: string): number {
    return this.get(node).bootDoneAt;
  }

  silentSince(node: string): number | undefined {
    return this.get(node).silentSince;
  }

  bootId(node: string): string {
    return this.get(node).bootId;
  }

  powerOff(node: string): void {
    const n = this.get(node);
    if (!n.powered) return;
    n.powered = false;
    n.silentSince = this.world.now();
    this.world.touch();
  }

  powerOn(node: string): void {
    const n = this.get(node);
    if (n.powered) return;
    n.powered = true;
    n.bootDoneAt = this.world.now() + this.world.topology.timings.nodeBoot;
    n.bootId = this.world.prng.uid();
    this.world.wakeAt(n.bootDoneAt);
    this.world.touch();
  }

  /** Called once the kubelet has posted status again. */
  markHeard(node: string): void {
    this.get(node).silentSince = undefined;
  }

  controlPlaneNode(): string {
    const server = [...this.nodes.values()].find((n) => n.spec.roles.includes('control-plane'));
    if (!server) throw new Error('topology has no control-plane node');
    return server.spec.name;
  }

  /** The k3s server runs the apiserver and every controller: nothing reconciles while it is down. */
  controlPlaneUp(): boolean {
    return this.isBooted(this.controlPlaneNode());
  }
}
