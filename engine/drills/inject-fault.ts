import type { Drill, DrillFault } from './drill-types.ts';

export type CleanupKind = Drill['cleanup'][number]['kind'];
/** The faults a lab may inject with a command of its own (`sandbox.faults.<kind>`). */
export type TemplatedFault = Exclude<DrillFault, 'command'>;

/**
 * The guarded means a fault can go through, as the wiring hands them over (plain functions: they
 * are called detached); a port left out is a means this sandbox does not have (no power commands
 * configured, no Vault, no Gitea to push to).
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
  /**
   * Through the Kubernetes adapter: these Longhorn volumes' (every volume's when none is named)
   * Volume, Engine and Replica objects deleted, finalizers removed, and each Volume created anew,
   * as a Longhorn reinstall leaves them; returns what was done.
   */
  recreateVolumes?: (volumes?: string[]) => Promise<string>;
  /** The control-plane nodes' boot ids when the Kubernetes API server answers, undefined when it does not. */
  controlPlaneBoot?: () => Promise<string | undefined>;
  /** A broken commit pushed with git to the branch the Application tracks; returns what was pushed. */
  breakGitops?: (app: string) => Promise<string>;
  /** `git revert` of that commit, pushed; says so when it was reverted already. */
  revertGitops?: (app: string) => Promise<string>;
  /** The lab's own commands for faults (`sandbox.faults.<kind>`), run through `shell` instead of the built-in mechanism. */
  templates: Partial<Record<TemplatedFault, string>>;
  /** The sandbox's nodes now: a power restore powers every one back on. */
  nodes: () => string[];
}

type PortName = Exclude<keyof FaultPorts, 'nodes' | 'templates'>;

/** Which ports this sandbox has: enough to say how each fault will go before any drill runs. */
export type FaultPortsAvailable = Record<PortName, boolean> & { templates: Partial<Record<TemplatedFault, string>> };

export function availablePorts(ports: FaultPorts): FaultPortsAvailable {
  const has = (k: PortName) => !!ports[k];
  return {
    powerStop: has('powerStop'),
    powerStart: has('powerStart'),
    seal: has('seal'),
    mutate: has('mutate'),
    shell: has('shell'),
    recreateVolumes: has('recreateVolumes'),
    controlPlaneBoot: has('controlPlaneBoot'),
    breakGitops: has('breakGitops'),
    revertGitops: has('revertGitops'),
    templates: ports.templates,
  };
}

/** One way of doing a fault or a cleanup: the port it needs, what the evidence says, what it does. */
interface Route<K extends PortName> {
  port: K;
  /** Recorded with the evidence (and shown beforehand), the same text either way. */
  method: string;
  /** Why it cannot be automated when the port is missing: the setting that is missing. */
  why: string;
  byHand: string;
  /** No built-in mechanism exists (nothing re-initialises a CA but the lab's own command): as missing as an absent port. */
  none?: true;
  /** What the evidence records; `method` unless the port says more (what it pushed, what it deleted). */
  run(port: NonNullable<FaultPorts[K]>): Promise<string | void>;
}
type AnyRoute = { [K in PortName]: Route<K> }[PortName];

/** A compile error here means a new DrillFault or cleanup kind needs its route. */
function unrouted(kind: never): never {
  throw new Error(`no injection route for ${String(kind)}`);
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const GITOPS_WHY = 'no Gitea to push the gitops repository to (sandbox.gitea.url, or sandbox.gitops.remote)';
const LONGHORN_WHY = 'no Kubernetes adapter';
const NODE_FILL = (all: string[] | undefined) => (all ? all.join(', ') : 'every node');

/** `nodes`: the sandbox's nodes when the fault runs; not known yet when it is only described. */
function builtInRoute(kind: DrillFault, target: string | undefined, nodes: string[] | undefined): AnyRoute {
  switch (kind) {
    case 'node-stop':
      return { port: 'powerStop', method: `sandbox.power.stop ${target}`, why: 'sandbox.power.stop is not configured', byHand: `power ${target} off by hand`, run: (stop) => stop(target!) };
    case 'power-cut':
      return {
        port: 'powerStop',
        method: `sandbox.power.stop ${NODE_FILL(nodes)}`,
        why: 'sandbox.power.stop is not configured',
        byHand: 'power every node off by hand',
        run: async (stop) => {
          for (const n of nodes ?? []) await stop(n);
        },
      };
    case 'vault-seal':
      return { port: 'seal', method: 'Vault sys/seal', why: 'no Vault is configured (sandbox.vault)', byHand: 'seal Vault by hand', run: (seal) => seal() };
    case 'db-drop':
      return { port: 'mutate', method: `DROP DATABASE ${target} WITH (FORCE)`, why: 'no PostgreSQL is configured (sandbox.postgres)', byHand: `drop database ${target} by hand`, run: (mutate) => mutate(`DROP DATABASE IF EXISTS ${quoteIdent(String(target))} WITH (FORCE)`) };
    case 'volume-corrupt':
      return { port: 'recreateVolumes', method: `Longhorn Volume/Engine/Replica objects of ${target} deleted and recreated (Kubernetes API)`, why: LONGHORN_WHY, byHand: `recreate ${target}'s Longhorn objects by hand`, run: (recreate) => recreate([target!]) };
    case 'bad-sync':
      return { port: 'breakGitops', method: `git push of a broken commit for ${target} to the branch its Application tracks`, why: GITOPS_WHY, byHand: `push a broken commit for ${target} by hand`, run: (push) => push(target!) };
    case 'ca-reinit':
      return { port: 'shell', none: true, method: 'sandbox.faults.ca-reinit', why: 'sandbox.faults.ca-reinit is not configured (a command such as `ssh pi1 step ca init …`: no API re-initialises a CA)', byHand: 're-initialise the sandbox Step-CA by hand', run: async () => {} };
    case 'command':
      return { port: 'shell', method: `command: ${target}`, why: 'no command runner', byHand: `run ${target} by hand`, run: (shell) => shell(target!) };
    default:
      return unrouted(kind);
  }
}

/** `{target}` in a lab's fault command: the drill's target, as power commands get `{node}`. */
const fill = (template: string, target: string | undefined) => template.replace(/\{target\}/g, target ?? '');

function faultRoute(kind: DrillFault, target: string | undefined, templates: FaultPorts['templates'], nodes: string[] | undefined): AnyRoute {
  const template = kind === 'command' ? undefined : templates[kind];
  if (template === undefined) return builtInRoute(kind, target, nodes);
  const command = fill(template, target);
  return { port: 'shell', method: `sandbox.faults.${kind}: ${command}`, why: 'no command runner', byHand: `run ${command} by hand`, run: (shell) => shell(command) };
}

/** The Longhorn side of a power cut (the seeds' engine-ID loss), injected once the API server is back. */
const LONGHORN_REINSTALL: Route<'recreateVolumes'> = {
  port: 'recreateVolumes',
  method: "every Longhorn volume's Volume/Engine/Replica objects deleted and recreated, as a Longhorn reinstall leaves them (Kubernetes API, once the API server is back)",
  why: LONGHORN_WHY,
  byHand: 'recreate the Longhorn objects by hand once the API server is back',
  run: (recreate) => recreate(),
};

/** Phases of a fault injected later, once the sandbox is ready for them: `phase` names it in the journal. */
function laterRoutes(kind: DrillFault): { phase: string; route: AnyRoute; after: 'api-server-back' }[] {
  return kind === 'power-cut' ? [{ phase: 'longhorn-reinstall', route: LONGHORN_REINSTALL, after: 'api-server-back' }] : [];
}

/** `nodes`: the sandbox's nodes when the cleanup runs; not known yet when it is only described. */
function cleanupRoute(kind: CleanupKind, target: string | undefined, nodes: string[] | undefined): AnyRoute {
  switch (kind) {
    case 'node-start':
      return { port: 'powerStart', method: `sandbox.power.start ${target}`, why: 'sandbox.power.start is not configured', byHand: `power ${target} on by hand`, run: (start) => start(target!) };
    case 'power-restore':
      return {
        port: 'powerStart',
        method: `sandbox.power.start ${NODE_FILL(nodes)}`,
        why: 'sandbox.power.start is not configured',
        byHand: 'power every node on by hand',
        run: async (start) => {
          for (const n of nodes ?? []) await start(n);
        },
      };
    case 'gitops-revert':
      return { port: 'revertGitops', method: `git revert of the broken commit for ${target}, pushed`, why: GITOPS_WHY, byHand: `revert the broken commit for ${target} by hand`, run: (revert) => revert(target!) };
    case 'undo':
      return { port: 'shell', method: `command: ${target}`, why: 'no command runner', byHand: `run ${target} by hand`, run: (shell) => shell(target!) };
    default:
      return unrouted(kind);
  }
}

const notAutomated = (r: Pick<AnyRoute, 'why' | 'byHand'>) => `not automated on this sandbox (${r.why}): ${r.byHand}`;

const usable = (r: AnyRoute, available: FaultPortsAvailable | FaultPorts) => !!available[r.port] && !r.none;

function describe(r: AnyRoute, available: FaultPortsAvailable): string {
  return usable(r, available) ? r.method : notAutomated(r);
}

async function follow<K extends PortName>(r: Route<K>, ports: FaultPorts, what: string, then = ''): Promise<string> {
  const port = ports[r.port];
  if (!port || !usable(r as AnyRoute, ports)) throw new Error(`${what} is ${notAutomated(r)}${then}`);
  const said = await r.run(port);
  return said ? `${r.method}: ${said}` : r.method;
}

/** How a drill's fault will be injected on this sandbox, said before it runs (drill list, the Drills screen). */
export function injectionMethod(fault: Pick<Drill['fault'], 'kind' | 'target'>, available: FaultPortsAvailable): string {
  const first = describe(faultRoute(fault.kind, fault.target, available.templates, undefined), available);
  const later = laterRoutes(fault.kind).map((l) => `; then ${describe(l.route, available)}`);
  return first + later.join('');
}

/**
 * Why this drill's fault cannot be injected here (every phase of it), naming the missing
 * setting; undefined when it can. A drill is refused for it before anything is checked or touched.
 */
export function notInjectable(fault: Pick<Drill['fault'], 'kind' | 'target'>, available: FaultPortsAvailable): string | undefined {
  const routes = [faultRoute(fault.kind, fault.target, available.templates, undefined), ...laterRoutes(fault.kind).map((l) => l.route)];
  const missing = routes.filter((r) => !usable(r, available));
  return missing.length ? missing.map((r) => r.why).join('; ') : undefined;
}

/** How a drill's cleanup will be done on this sandbox, said before it runs. */
export function cleanupMethod(cleanup: Drill['cleanup'][number], available: FaultPortsAvailable): string {
  return describe(cleanupRoute(cleanup.kind, cleanup.target, undefined), available);
}

/** Injects the fault's first phase through its port; returns how, for the evidence. */
export function injectFault(ports: FaultPorts, kind: DrillFault, target?: string): Promise<string> {
  return follow(faultRoute(kind, target, ports.templates, ports.nodes()), ports, `fault ${kind}`, ', then follow the runbook');
}

/** A phase of a fault that comes later (the Longhorn side of a power cut): ready once the sandbox is, then injected. */
export interface LaterPhase {
  phase: string;
  /** Before the fault: notes what "back" will be judged against. */
  arm(): Promise<void>;
  /**
   * Polled by the drill after the fault: `down` while the sandbox cannot take the phase yet
   * (recovering it is the operator's), `waiting` while it answers as it did before the fault,
   * `ready` once the phase can be injected.
   */
  state(): Promise<'down' | 'waiting' | 'ready'>;
  inject(): Promise<string>;
}

/**
 * The later phases of a fault. `api-server-back`: the API server answers again after the nodes
 * lost power, so objects can be written through it. Back means seen down then answering, or
 * answering from control-plane nodes that booted since the fault (their boot ids changed): a
 * poll can miss an outage that a fast boot makes short, never a reboot.
 */
export function laterPhases(ports: FaultPorts, kind: DrillFault): LaterPhase[] {
  return laterRoutes(kind).map(({ phase, route }) => {
    let before: string | undefined;
    let wentAway = false;
    return {
      phase,
      async arm() {
        before = await ports.controlPlaneBoot?.();
      },
      async state() {
        const boot = await ports.controlPlaneBoot?.();
        if (boot === undefined) {
          wentAway = true;
          return 'down';
        }
        return wentAway || (before !== undefined && boot !== before) ? 'ready' : 'waiting';
      },
      inject: () => follow(route, ports, `fault ${kind} (${phase})`),
    };
  });
}

/** Undoes a fault (powers a node, or every node, back on; reverts a commit); returns how, for the evidence. */
export function cleanupFault(ports: FaultPorts, kind: CleanupKind, target?: string): Promise<string> {
  return follow(cleanupRoute(kind, target, ports.nodes()), ports, kind);
}
