import fs from 'node:fs';
import path from 'node:path';
import type { EngineDeps } from './engine-deps.ts';
import { runCommand } from './run-command.ts';

export type Emit = (stream: 'stdout' | 'stderr', line: string) => void;

export interface ActionResult {
  status: 'ok' | 'failed' | 'timed-out' | 'aborted';
  exitCode?: number;
  reason?: string;
}

const VSO = { group: 'secrets.hashicorp.com', version: 'v1beta1', plural: 'vaultdynamicsecrets' };

/** A value placed in a shell command: single-quoted, so a parameter can never become syntax. */
const quote = (v: unknown) => `'${String(v).replace(/'/g, `'\\''`)}'`;

export function fillTemplate(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{([a-z][a-z0-9-]*)\}/gi, (whole, name: string) => (params[name] === undefined ? whole : quote(params[name])));
}

/**
 * The newest `<database>.dump` or `<database>-<anything>.dump` in the backups directory (what
 * "the sandbox backup bucket" holds). Exact: `erp` must never pick `erpnext-….dump`.
 */
function newestDump(dir: string, database: string): string {
  const dumps = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f === `${database}.dump` || (f.startsWith(`${database}-`) && f.endsWith('.dump'))) : [];
  if (!dumps.length) throw new Error(`no ${database}.dump or ${database}-*.dump in ${dir} (sandbox.backups.postgres)`);
  return dumps.map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0]!;
}

/**
 * Runs one engine action. Output lines go to `emit` as they happen; a thrown error is the
 * action failing (its message is the reason shown and journaled).
 */
export async function runAction(action: string, params: Record<string, unknown>, deps: EngineDeps, opts: { signal: AbortSignal; timeoutMs: number; emit: Emit }): Promise<ActionResult> {
  const { emit } = opts;
  const shell = (command: string, env?: Record<string, string>) =>
    runCommand(deps.processes(), command, { timeoutMs: opts.timeoutMs, signal: opts.signal, onLine: emit, redactor: deps.redactor, env });
  const tool = deps.recovery[action];
  if (tool) {
    const command = fillTemplate(tool, params);
    emit('stdout', `$ ${deps.redactor.redact(command)}`);
    return shell(command);
  }
  switch (action) {
    case 'wait':
      return { status: 'ok' };
    case 'vault.unseal': {
      const vault = deps.vault();
      if (!vault) throw new Error('no Vault configured (sandbox.vault)');
      const status = await vault.unseal();
      emit('stdout', status.sealed ? `Vault still sealed (${status.progress}/${status.threshold} key shares)` : `Vault unsealed (${status.shares} share, threshold ${status.threshold})`);
      return status.sealed ? { status: 'failed', reason: 'Vault is still sealed after the unseal key' } : { status: 'ok' };
    }
    case 'vso.reauth': {
      const kube = await deps.kube();
      const all = await kube.listCustom(VSO);
      const picked = all.filter((o) => (params.secret === undefined || o.metadata?.name === params.secret) && (params.namespace === undefined || o.metadata?.namespace === params.namespace));
      if (!picked.length) throw new Error(params.secret ? `no VaultDynamicSecret ${String(params.secret)}` : 'no VaultDynamicSecret in the cluster');
      // Any change to a VaultDynamicSecret makes VSO reconcile it at once instead of after its back-off.
      const stamp = new Date().toISOString();
      for (const o of picked) {
        await kube.patchCustom(VSO, o.metadata!.namespace!, o.metadata!.name!, { metadata: { annotations: { 'lab-tui/reauth-requested-at': stamp } } });
        emit('stdout', `re-auth requested for ${o.metadata!.namespace}/${o.metadata!.name}`);
      }
      return { status: 'ok' };
    }
    case 'k8s.scale': {
      const name = String(params.deployment);
      const namespace = String(params.namespace ?? name);
      await (await deps.kube()).scaleDeployment(namespace, name, Number(params.replicas));
      emit('stdout', `deployment ${namespace}/${name} scaled to ${Number(params.replicas)}`);
      return { status: 'ok' };
    }
    case 'k8s.rollout-restart': {
      const name = String(params.deployment);
      const namespace = String(params.namespace ?? name);
      await (await deps.kube()).patchDeployment(namespace, name, { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } });
      emit('stdout', `deployment ${namespace}/${name} restarted`);
      return { status: 'ok' };
    }
    case 'power.on':
      return powerOn(params.node === undefined ? undefined : String(params.node), deps, shell, emit, opts.signal, opts.timeoutMs);
    case 'postgres.restore':
      return restoreDatabase(String(params.database), deps, shell, emit);
    default:
      throw new Error(`${action} needs a command in the configuration (sandbox.recovery."${action}")`);
  }
}

/** pg_restore --clean --create: drops what is left of the database and recreates it from the dump. */
async function restoreDatabase(database: string, deps: EngineDeps, shell: (command: string, env?: Record<string, string>) => Promise<ActionResult>, emit: Emit): Promise<ActionResult> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new Error(`postgres.restore: "${database}" is not a plain database name`);
  if (!deps.postgresBackups) throw new Error('postgres.restore needs sandbox.backups.postgres (or a sandbox.recovery."postgres.restore" command)');
  const pg = deps.postgres();
  if (!pg) throw new Error('no PostgreSQL configured (sandbox.postgres)');
  const dump = newestDump(deps.postgresBackups, database);
  emit('stdout', `restoring ${database} from ${dump}`);
  const { host, port, user } = pg.endpoint;
  const password = deps.postgresPassword();
  const env: Record<string, string> = { PGHOST: host, PGPORT: String(port), PGUSER: user, PGDATABASE: 'postgres', ...(password ? { PGPASSWORD: password } : {}) };
  // --create restores the database named inside the dump, whatever the file is called: check it first.
  const listed = await shell(`pg_restore --list ${quote(dump)} | grep -qE ${quote(`^;[[:space:]]*dbname: ${database}$`)}`, env);
  if (listed.status !== 'ok') return { status: 'failed', reason: `${dump} is not a dump of database ${database} (pg_restore --list)` };
  const command = `pg_restore --clean --if-exists --create --no-owner --exit-on-error --dbname postgres ${quote(dump)}`;
  emit('stdout', `$ ${command}`);
  return shell(command, env);
}

/** Nodes that are down: not Ready, or all known ones while the API itself is unreachable. */
function downNodes(deps: EngineDeps): string[] {
  const s = deps.snapshot();
  const apiLive = s.sources.find((x) => x.id === 'kubernetes')?.status === 'live';
  return s.nodes.filter((n) => !apiLive || n.ready !== 'Ready').map((n) => n.name);
}

/**
 * The nodes to power on: the one named, else the nodes that are down. A node that just lost power
 * still shows Ready for its grace period (40 s): the action waits until it shows, as an operator
 * waits for the alert before power-cycling anything.
 */
async function powerOn(node: string | undefined, deps: EngineDeps, shell: (command: string) => Promise<ActionResult>, emit: Emit, signal: AbortSignal, timeoutMs: number): Promise<ActionResult> {
  if (!deps.power) throw new Error('power.on needs sandbox.power.start in the configuration');
  let nodes = node ? [node] : downNodes(deps);
  if (!nodes.length) emit('stdout', 'every node shows Ready: waiting for the one that lost power to show NotReady');
  const deadline = Date.now() + timeoutMs;
  while (!nodes.length && !signal.aborted && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    nodes = downNodes(deps);
  }
  if (!nodes.length) return signal.aborted ? { status: 'aborted' } : { status: 'timed-out', reason: 'no node went down: nothing to power on' };
  for (const n of nodes) {
    const command = fillTemplate(deps.power.start, { node: n });
    emit('stdout', `$ ${deps.redactor.redact(command)}`);
    const r = await shell(command);
    if (r.status !== 'ok') return { ...r, reason: r.reason ?? `powering ${n} on failed` };
  }
  return { status: 'ok' };
}
