import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeskOptions } from '../../engine/cockpit/types.ts';
import type { Store } from '../../engine/common/store.ts';
import type { DrillDeps } from '../../engine/drills/drill-deps.ts';
import { type GitopsFaultDeps, pushBrokenCommit, revertBrokenCommit } from '../../engine/drills/gitops-fault.ts';
import { availablePorts, cleanupFault, injectFault, laterPhases, notInjectable, type FaultPorts, type FaultPortsAvailable } from '../../engine/drills/inject-fault.ts';
import { recreateLonghornVolumes } from '../../engine/drills/longhorn-recreate.ts';
import { canaryGate } from '../../engine/gates/canary/canary-gate.ts';
import { loadCanaryManifest } from '../../engine/gates/canary/canary-manifest.ts';
import type { GateResult } from '../../engine/gates/gate-result.ts';
import { idempotenceGate } from '../../engine/gates/idempotence.ts';
import { parityGate, type ParitySources } from '../../engine/gates/parity.ts';
import { loadParityManifest } from '../../engine/gates/parity-manifest.ts';
import { readPlan, tofuPlanGate } from '../../engine/gates/tofu-plan.ts';
import { startHealth, type HealthService } from '../../engine/health/health-service.ts';
import { giteaProbe, postgresProbe, vaultProbe, type Probe } from '../../engine/health/probes.ts';
import { stepcaProbe } from '../../engine/health/stepca-probe.ts';
import type { Snapshot } from '../../engine/health/types.ts';
import type { PrTarget } from '../../engine/pr/propose-pr.ts';
import type { EngineDeps } from '../../engine/runbook/engine-deps.ts';
import { Redactor } from '../../engine/runbook/redact.ts';
import { fillTemplate } from '../../engine/runbook/run-action.ts';
import { runCommand } from '../../engine/runbook/run-command.ts';
import type { LabConfig } from '../config/types.ts';
import { GuardRefusal } from '../guard/refusal.ts';
import type { Sandbox } from '../guard/sandbox.ts';
import { drillCatalog, findDrill, runbookFor } from './drill-catalog.ts';
import { UsageError } from './exit-codes.ts';
import { runbookSources, runsDir } from './runbook-paths.ts';

// The one place where a guarded Sandbox becomes the engine services' dependencies: the CLI
// commands and the cockpit wire the same adapters the same way.

/** Knows every secret lab-tui can read, so none reaches a journal, a PR or the screen. */
export function sandboxRedactor(sandbox: Sandbox): Redactor {
  const redactor = new Redactor();
  for (const secret of sandbox.secretValues()) redactor.add(secret);
  return redactor;
}

/** The health service on the guarded adapters; the TUI and `status` share it. */
export function startSandboxHealth(sandbox: Sandbox, onRefusal: (e: GuardRefusal) => void, opts: { pollMs?: number } = {}): HealthService {
  const vault = sandbox.vault();
  const gitea = sandbox.gitea();
  const pg = sandbox.postgres();
  const ca = sandbox.stepca();
  const probes: Probe[] = [vault && vaultProbe(vault), pg && postgresProbe(pg), gitea && giteaProbe(gitea), ca && stepcaProbe({ ca, tls: sandbox.tls(), endpoints: sandbox.resolved.stepca?.endpoints ?? [], ingressAddress: sandbox.resolved.stepca?.ingressAddress, kube: () => sandbox.kube(), now: () => new Date() })].filter((p): p is Probe => !!p);
  const health = startHealth({
    sandbox: sandbox.identity,
    connectKube: (reconnect) => sandbox.kube({ reconnect }),
    probes,
    expectedKubelet: loadParityManifest().kubernetes.version,
    isFatal: (e) => e instanceof GuardRefusal,
    onFatal: (e) => onRefusal(e as GuardRefusal),
    pollMs: opts.pollMs,
  });
  return {
    snapshots: health.snapshots,
    async stop() {
      await health.stop();
      await pg?.close();
    },
  };
}

/** The runbook engine's view of a guarded sandbox. */
export function runbookDeps(sandbox: Sandbox, snapshots: Store<Snapshot>): EngineDeps {
  const { recovery, backups, power, childEnv } = sandbox.config.sandbox;
  return {
    kube: () => sandbox.kube(),
    vault: () => sandbox.vault(),
    postgres: () => sandbox.postgres(),
    postgresPassword: () => sandbox.postgresPassword(),
    processes: () => sandbox.processes(),
    async vetCommand(command) {
      try {
        await sandbox.vetCommand(command, 'runbook command');
        return undefined;
      } catch (e) {
        if (e instanceof GuardRefusal) return { rule: e.refusal.rule, reason: e.refusal.reason };
        throw e;
      }
    },
    childEnv,
    recovery,
    power,
    postgresBackups: backups.postgres,
    snapshot: () => snapshots.get(),
    redactor: sandboxRedactor(sandbox),
  };
}

/** What the parity and canary gates read and provision through. */
export function gateSources(sandbox: Sandbox): Required<ParitySources> {
  return { kube: () => sandbox.kube(), vault: () => sandbox.vault(), postgres: () => sandbox.postgres(), gitea: () => sandbox.gitea() };
}

/**
 * The means of injecting faults a configuration gives, known without contacting the sandbox
 * (`drill list`); faultPorts hands out exactly these.
 */
export function configuredFaultPorts(config: LabConfig | undefined): FaultPortsAvailable {
  const s = config?.sandbox;
  const kube = !!s;
  const gitops = !!(s?.gitops?.remote || s?.gitea);
  return {
    powerStop: !!s?.power?.stop,
    powerStart: !!s?.power?.start,
    seal: !!s?.vault,
    mutate: !!s?.postgres,
    shell: kube,
    recreateVolumes: kube,
    controlPlaneBoot: kube,
    breakGitops: gitops,
    revertGitops: gitops,
    templates: s?.faults ?? {},
  };
}

/** How long one look at the API server may take: a powered-off server never answers, a live one lists its nodes in milliseconds. */
const API_PROBE_MS = 1_000;

/** The means of injecting faults this sandbox has; a port is left out when it has no such means. */
function faultPorts(sandbox: Sandbox, snapshots: Store<Snapshot>, redactor: Redactor): FaultPorts {
  const { power } = sandbox.config.sandbox;
  const has = configuredFaultPorts(sandbox.config);
  const run = async (command: string, what: string) => {
    const r = await runCommand(sandbox.processes(), command, { timeoutMs: 120_000, onLine: () => {}, redactor });
    if (r.status !== 'ok') throw new Error(`${what} ${r.status}: ${r.tail}`);
  };
  const shell = (template: string) => (node: string) => run(fillTemplate(template, { node }), `power command for ${node}`);
  const vault = sandbox.vault();
  const pg = sandbox.postgres();
  const gitops: GitopsFaultDeps = { kube: () => sandbox.kube(), git: sandbox.processes(), remoteFor: (repoURL) => sandbox.gitopsRemote(repoURL), redactor };
  return {
    ...(has.powerStop && power ? { powerStop: shell(power.stop) } : {}),
    ...(has.powerStart && power ? { powerStart: shell(power.start) } : {}),
    ...(has.seal && vault ? { seal: () => vault.seal() } : {}),
    ...(has.mutate && pg ? { mutate: (sql: string) => pg.mutate(sql) } : {}),
    shell: (command: string) => run(command, `command ${command}`),
    recreateVolumes: async (volumes) => recreateLonghornVolumes(await sandbox.kube(), volumes),
    controlPlaneBoot: () => controlPlaneBoot(sandbox),
    ...(has.breakGitops ? { breakGitops: async (app: string) => (await pushBrokenCommit(gitops, app)).detail, revertGitops: (app: string) => revertBrokenCommit(gitops, app) } : {}),
    templates: has.templates,
    nodes: () => snapshots.get().nodes.map((n) => n.name),
  };
}

/** One bounded read of the API server's version: a connection that was cut is re-established and re-verified. */
async function controlPlaneBoot(sandbox: Sandbox): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), API_PROBE_MS)));
  const answer = (async () => {
    const kube = await sandbox.kube();
    const nodes = await kube.core.listNode({ labelSelector: 'node-role.kubernetes.io/control-plane' });
    return nodes.items.map((n) => `${n.metadata?.name}=${n.status?.nodeInfo?.bootID}`).sort().join(',');
  })().catch(() => undefined);
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A drill's deps: faults and their cleanup through the guarded adapters, parity, versions. */
export function drillDeps(sandbox: Sandbox, snapshots: Store<Snapshot>): DrillDeps & { ports: FaultPorts } {
  const engine = runbookDeps(sandbox, snapshots);
  const ports = faultPorts(sandbox, snapshots, engine.redactor);
  return {
    engine,
    simulated: sandbox.identity.simulated,
    ports,
    inject: (kind, target) => injectFault(ports, kind, target),
    notInjectable: (fault) => notInjectable(fault, availablePorts(ports)),
    laterPhases: (kind) => laterPhases(ports, kind),
    cleanup: (kind, target) => cleanupFault(ports, kind, target),
    parity: () => parityGate(loadParityManifest(), gateSources(sandbox)),
    versions() {
      const s = snapshots.get();
      const v: Record<string, string> = {};
      for (const n of s.nodes) v[`kubelet/${n.name}`] = n.kubelet;
      if (s.vault?.version) v.vault = s.vault.version;
      return v;
    },
  };
}

/** Where runbook PRs go, through the guard: the runbooks clone and remote, the forge, git as a guarded process. */
export function prTarget(sandbox: Sandbox, redactor: Redactor, base = 'main'): PrTarget {
  const { remote, forge, remoteEnv } = sandbox.runbookForge();
  return { git: sandbox.processes(), repoDir: sandbox.config.sandbox.runbooks?.path, remote, remoteEnv, base, forge, redactor, author: { name: 'lab-tui', email: 'lab-tui@sandbox.invalid' } };
}

export interface IdempotenceInput {
  playbook: string;
  inventory?: string;
  limit?: string;
}

/** `ansible-playbook --check --diff` as a guarded child process. */
export async function runIdempotenceGate(sandbox: Sandbox, input: IdempotenceInput): Promise<GateResult> {
  if (!fs.existsSync(input.playbook)) throw new UsageError(`playbook ${input.playbook} not found`);
  return idempotenceGate({ runner: sandbox.processes(), playbook: path.resolve(input.playbook), inventory: input.inventory, limit: input.limit });
}

/** Why the tofu-plan gate cannot judge a plan here: without the throwaway zone every change would be "outside". */
export function missingZone(config: LabConfig): string | undefined {
  return config.sandbox.dns?.zone ? undefined : `set sandbox.dns.zone (the throwaway zone) in ${config.file}`;
}

/** The plan's changes against `sandbox.dns.zone`; an unreadable plan is a usage error, not a failed gate. */
export async function runTofuPlanGate(sandbox: Sandbox, file: string): Promise<GateResult> {
  const zone = sandbox.config.sandbox.dns?.zone;
  if (!zone) throw new UsageError(`gate tofu-plan needs the throwaway zone: ${missingZone(sandbox.config)}`);
  let plan: unknown;
  try {
    plan = await readPlan(file, sandbox.processes());
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return tofuPlanGate(plan, zone);
}

/** How long each canary link may take to resolve by default: a pod start with image pull on the Pis. */
const DEFAULT_LINK_TIMEOUT_S = 120;

/** The canary gate on the wall clock. */
export async function runCanaryGate(sandbox: Sandbox, opts: { manifest?: string; timeoutSeconds?: number; signal?: AbortSignal } = {}): Promise<GateResult> {
  const conf = sandbox.config.sandbox.gates.canary;
  const manifest = loadCanaryManifest(opts.manifest ?? conf?.manifest);
  try {
    return await canaryGate({ ...gateSources(sandbox), now: Date.now, sleep: (ms) => sleep(ms), signal: opts.signal }, manifest, { timeoutMs: (opts.timeoutSeconds ?? conf?.timeoutSeconds ?? DEFAULT_LINK_TIMEOUT_S) * 1000 });
  } finally {
    await sandbox.postgres()?.close();
  }
}

/**
 * The gates the Gates screen can run with this configuration (`sandbox.gates`), and for the
 * others what to configure. A gate left out of both is shown as not available in the cockpit.
 */
export function cockpitGates(sandbox: Sandbox, parity: (() => Promise<GateResult>) | undefined): Required<Pick<DeskOptions, 'gates' | 'unavailableGates'>> {
  const { file, sandbox: s } = sandbox.config;
  const gates: DeskOptions['gates'] & {} = parity ? { parity } : {};
  const unavailableGates: DeskOptions['unavailableGates'] & {} = {};

  const idempotence = s.gates.idempotence;
  if (idempotence) gates.idempotence = () => runIdempotenceGate(sandbox, idempotence);
  else unavailableGates.idempotence = `set sandbox.gates.idempotence.playbook (and inventory, limit) in ${file}`;

  const plan = s.gates.tofuPlan?.plan;
  const noZone = missingZone(sandbox.config);
  if (noZone) unavailableGates['tofu-plan'] = noZone;
  else if (!plan) unavailableGates['tofu-plan'] = `set sandbox.gates.tofuPlan.plan (a plan file, or \`tofu show -json\` output) in ${file}`;
  else gates['tofu-plan'] = () => runTofuPlanGate(sandbox, plan);

  gates.canary = () => runCanaryGate(sandbox);
  return { gates, unavailableGates };
}

/** Everything the cockpit runs on this sandbox: runs, drills, runbook PRs, gates. */
export function wireCockpit(sandbox: Sandbox, snapshots: Store<Snapshot>): { options: DeskOptions; engine: EngineDeps } {
  const drills = drillDeps(sandbox, snapshots);
  const { config } = sandbox;
  const find = (id: string) => runbookFor(config, findDrill(config, id));
  return {
    options: {
      sources: runbookSources(config),
      runsDir: runsDir(config),
      sandbox: sandbox.identity.name,
      drills: { deps: drills, list: () => drillCatalog(config), find, ports: availablePorts(drills.ports) },
      pr: () => prTarget(sandbox, drills.engine.redactor),
      ...cockpitGates(sandbox, drills.parity),
    },
    engine: drills.engine,
  };
}
