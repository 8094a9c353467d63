import type { Drill, DrillFault } from './drill-types.ts';

export type CleanupKind = Drill['cleanup'][number]['kind'];

/**
 * The guarded means a fault can go through, as the wiring hands them over (plain functions: they
 * are called detached); a port left out is a means this sandbox does not have (no power commands
 * configured, no Vault, not lab-sim).
 */
export interface FaultPorts {
  /** Runs the configured power command (`sandbox.power.stop` / `start`) for one node. */
  powerStop?: (node: string) => Promise<void>;
  powerStart?: (node: string) => Promise<void>;
  /** Vault's `sys/seal`, through the Vault adapter. */
  seal?: () => Promise<void>;
  /** One statement through the PostgreSQL adapter. */
  mutate?: (sql: string) => Promise<void>;
  /** A lab's own fault or its undo: a command run as a guarded child process (scanned like every command). */
  shell?: (command: string) => Promise<void>;
  /** lab-sim's control API: only for what a real sandbox does with tools lab-tui does not drive. */
  fault?: (kind: DrillFault, target?: string) => Promise<unknown>;
  /** The sandbox's nodes now: a power restore powers every one back on. */
  nodes: () => string[];
}

type PortName = Exclude<keyof FaultPorts, 'nodes'>;

/** Which ports this sandbox has: enough to say how each fault will go before any drill runs. */
export type FaultPortsAvailable = Record<PortName, boolean>;

export function availablePorts(ports: FaultPorts): FaultPortsAvailable {
  return { powerStop: !!ports.powerStop, powerStart: !!ports.powerStart, seal: !!ports.seal, mutate: !!ports.mutate, shell: !!ports.shell, fault: !!ports.fault };
}

/** One way of doing a fault or a cleanup: the port it needs, what the evidence says, what it does. */
interface Route<K extends PortName> {
  port: K;
  /** Recorded with the evidence (and shown beforehand), the same text either way. */
  method: string;
  /** Why it cannot be automated when the port is missing, and what to do instead. */
  why: string;
  byHand: string;
  run(port: NonNullable<FaultPorts[K]>): Promise<unknown>;
}
type AnyRoute = { [K in PortName]: Route<K> }[PortName];

/** A compile error here means a new DrillFault or cleanup kind needs its route. */
function unrouted(kind: never): never {
  throw new Error(`no injection route for ${String(kind)}`);
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

// The real mechanism wherever there is one (lab-sim serves the same protocols); lab-sim's control
// API only for what a sandbox does through tools lab-tui does not drive.
function faultRoute(kind: DrillFault, target: string | undefined): AnyRoute {
  switch (kind) {
    case 'node-stop':
      return { port: 'powerStop', method: `sandbox.power.stop ${target}`, why: 'sandbox.power.stop is not configured', byHand: `power ${target} off by hand`, run: (stop) => stop(target!) };
    case 'vault-seal':
      return { port: 'seal', method: 'Vault sys/seal', why: 'no Vault is configured', byHand: 'seal Vault by hand', run: (seal) => seal() };
    case 'db-drop':
      return { port: 'mutate', method: `DROP DATABASE ${target} WITH (FORCE)`, why: 'no PostgreSQL is configured', byHand: `drop database ${target} by hand`, run: (mutate) => mutate(`DROP DATABASE IF EXISTS ${quoteIdent(String(target))} WITH (FORCE)`) };
    case 'power-cut':
    case 'volume-corrupt':
    case 'bad-sync':
    case 'ca-reinit':
      return { port: 'fault', method: `lab-sim control API: fault ${kind}${target ? ` ${target}` : ''}`, why: `lab-tui drives no tool for ${kind} outside lab-sim`, byHand: 'inject it by hand', run: (fault) => fault(kind, target) };
    case 'command':
      return { port: 'shell', method: `command: ${target}`, why: 'no command runner', byHand: `run ${target} by hand`, run: (shell) => shell(target!) };
    default:
      return unrouted(kind);
  }
}

/** `nodes`: the sandbox's nodes when the cleanup runs; not known yet when it is only described. */
function cleanupRoute(kind: CleanupKind, target: string | undefined, nodes: string[] | undefined): AnyRoute {
  switch (kind) {
    case 'node-start':
      return { port: 'powerStart', method: `sandbox.power.start ${target}`, why: 'sandbox.power.start is not configured', byHand: `power ${target} on by hand`, run: (start) => start(target!) };
    case 'power-restore': {
      const all = nodes ?? [];
      return {
        port: 'powerStart',
        method: `sandbox.power.start ${nodes ? all.join(', ') : 'every node'}`,
        why: 'sandbox.power.start is not configured',
        byHand: 'power every node on by hand',
        run: async (start) => {
          for (const n of all) await start(n);
        },
      };
    }
    case 'undo':
      return { port: 'shell', method: `command: ${target}`, why: 'no command runner', byHand: `run ${target} by hand`, run: (shell) => shell(target!) };
    default:
      return unrouted(kind);
  }
}

const notAutomated = (r: Pick<AnyRoute, 'why' | 'byHand'>) => `not automated on this sandbox (${r.why}): ${r.byHand}`;

function describe(r: AnyRoute, available: FaultPortsAvailable): string {
  return available[r.port] ? r.method : notAutomated(r);
}

async function follow<K extends PortName>(r: Route<K>, ports: FaultPorts, what: string, then = ''): Promise<string> {
  const port = ports[r.port];
  if (!port) throw new Error(`${what} is ${notAutomated(r)}${then}`);
  await r.run(port);
  return r.method;
}

/** How a drill's fault will be injected on this sandbox, said before it runs (the Drills screen). */
export function injectionMethod(fault: Pick<Drill['fault'], 'kind' | 'target'>, available: FaultPortsAvailable): string {
  return describe(faultRoute(fault.kind, fault.target), available);
}

/** How a drill's cleanup will be done on this sandbox, said before it runs. */
export function cleanupMethod(cleanup: Drill['cleanup'][number], available: FaultPortsAvailable): string {
  return describe(cleanupRoute(cleanup.kind, cleanup.target, undefined), available);
}

/** Injects the fault through its port; returns how, for the evidence. */
export function injectFault(ports: FaultPorts, kind: DrillFault, target?: string): Promise<string> {
  return follow(faultRoute(kind, target), ports, `fault ${kind}`, ', then follow the runbook');
}

/** Undoes a fault (powers a node, or every node, back on); returns how, for the evidence. */
export function cleanupFault(ports: FaultPorts, kind: CleanupKind, target?: string): Promise<string> {
  return follow(cleanupRoute(kind, target, ports.nodes()), ports, kind);
}
