import { podStatusReason } from '../kube/printers.ts';
import { resourceForKind } from '../kube/resources.ts';
import type { Faults } from './faults.ts';
import type { Lab } from './lab.ts';
import { isNodeReady, NODE } from './node-lifecycle.ts';
import { POD, type PodObject } from './pod-index.ts';
import { APPLICATION } from './argocd.ts';
import { VDS, VSS } from './vso.ts';
import { isPodReady } from './workload-objects.ts';
import { DAEMONSET, DEPLOYMENT, STATEFULSET } from './workload-controller.ts';

const SECRET = resourceForKind('v1', 'Secret');

export interface SimStateDump {
  clock: { now: number; iso: string; mode: 'real' | 'manual' };
  services: { kube: boolean; vault: boolean; gitea: boolean; stepca: boolean; postgres: boolean };
  nodes: { name: string; roles: string[]; powered: boolean; booted: boolean; ready: boolean; pods: number }[];
  /** Every pod except the generated benchmark load (see podCount for the total). */
  pods: { namespace: string; name: string; node: string | null; phase: string; status: string; ready: boolean; restarts: number; terminating: boolean }[];
  podCount: number;
  workloads: { namespace: string; name: string; kind: string; replicas: number; ready: number }[];
  longhorn: { ready: boolean; reinstallAt: string | null };
  volumes: {
    name: string;
    attachedNode: string | null;
    maintenance: boolean;
    robustness: string;
    replicas: { name: string; node: string; dir: string; failed: boolean; rebuilding: boolean }[];
    expectedDataToken: string;
    dataToken: string | null;
    dataIntact: boolean;
    /** True when neither the volume nor any orphaned directory still holds the data. */
    dataLost: boolean;
    orphans: { node: string; dir: string; hasData: boolean }[];
  }[];
  vault: { running: boolean; initialized: boolean; sealed: boolean; version: string };
  vso: { kind: string; namespace: string; name: string; secret: string; secretPresent: boolean; fresh: boolean; leaseId: string | null; leaseExpiresAt: string | null; lastSync: string | null; failures: number; lastError: string | null }[];
  apps: { name: string; sync: string; health: string; revision: string }[];
  postgres: { up: boolean; node: string; address: string; databases: { name: string; present: boolean; rows: number | null; dataToken: string | null; intact: boolean }[]; backups: { database: string; takenAt: string; location: string }[] };
  gitea: { up: boolean; healthy: boolean; repos: { fullName: string; head: string; headMessage: string }[] };
  stepca: { up: boolean; rootFingerprint: string; certificates: { name: string; commonName: string; serial: string; notAfter: string; issuerFingerprint: string; chainValid: boolean; expired: boolean }[] };
  faults: { at: string; kind: string; target?: string }[];
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** A detached, JSON-safe picture of the whole lab for assertions and the control API. */
export function dumpState(lab: Lab, faults: Faults, services: { kube: boolean; vault: boolean; gitea: boolean; stepca: boolean }): SimStateDump {
  const { world, power, longhorn, vault, postgres, gitea, stepca } = lab;
  const store = world.store;
  const now = world.now();
  const pods = store.list<PodObject>(POD).filter((p) => p.metadata.namespace !== 'load');
  const statuses = (p: PodObject) => (p.status?.containerStatuses ?? []) as { restartCount?: number }[];
  return structuredClone({
    clock: { now, iso: new Date(now).toISOString(), mode: world.clock.mode },
    services: { ...services, postgres: postgres.isUp() },
    nodes: power.names().map((name) => ({ name, roles: power.specs().find((s) => s.name === name)?.roles ?? [], powered: power.isPowered(name), booted: power.isBooted(name), ready: isNodeReady(store.get(NODE, undefined, name)), pods: world.pods.countOnNode(name) })),
    pods: pods.map((p) => ({ namespace: p.metadata.namespace as string, name: p.metadata.name, node: p.spec.nodeName ?? null, phase: String(p.status?.phase ?? 'Pending'), status: podStatusReason(p), ready: isPodReady(p), restarts: statuses(p).reduce((n, c) => n + (c.restartCount ?? 0), 0), terminating: !!p.metadata.deletionTimestamp })),
    podCount: store.collection(POD).size,
    workloads: [DEPLOYMENT, STATEFULSET, DAEMONSET].flatMap((def) =>
      store.list(def).map((w) => {
        const s = (w.status ?? {}) as Record<string, number>;
        return { namespace: w.metadata.namespace as string, name: w.metadata.name, kind: w.kind, replicas: def === DAEMONSET ? (s.desiredNumberScheduled ?? 0) : ((w.spec as { replicas?: number }).replicas ?? 0), ready: s.readyReplicas ?? s.numberReady ?? 0 };
      }),
    ),
    longhorn: { ready: longhorn.ready, reinstallAt: iso(longhorn.reinstallAt) },
    volumes: [...longhorn.volumes.values()].map((v) => {
      const content = longhorn.content(v);
      const orphans = longhorn.orphans(v.spec.name);
      return {
        name: v.spec.name,
        attachedNode: v.attachedNode ?? null,
        maintenance: v.attachedBy === 'maintenance',
        robustness: longhorn.robustness(v),
        replicas: v.replicas.map((r) => ({ name: r.name, node: r.node, dir: r.dir, failed: r.failed, rebuilding: r.rebuildDoneAt !== undefined })),
        expectedDataToken: v.spec.dataToken,
        dataToken: content,
        dataIntact: content === v.spec.dataToken,
        dataLost: content !== v.spec.dataToken && !orphans.some((o) => o.content === v.spec.dataToken),
        orphans: orphans.map((o) => ({ node: o.node, dir: o.dir, hasData: o.content !== null })),
      };
    }),
    vault: { running: vault.running, initialized: true, sealed: vault.sealed, version: vault.spec.version },
    vso: [...store.list(VDS), ...store.list(VSS)].map((o) => {
      const ns = o.metadata.namespace as string;
      const secretName = (o.spec as { destination: { name: string } }).destination.name;
      const state = lab.vso.syncState(ns, o.metadata.name);
      const lease = state?.leaseId ? vault.lease(state.leaseId) : undefined;
      const present = !!store.get(SECRET, ns, secretName);
      const fresh = o.kind === 'VaultDynamicSecret' ? present && !!lease && now < lease.expiresAt && postgres.roleValid(lease.username) : present && !state?.lastError;
      return { kind: o.kind, namespace: ns, name: o.metadata.name, secret: secretName, secretPresent: present, fresh, leaseId: state?.leaseId ?? null, leaseExpiresAt: iso(lease?.expiresAt), lastSync: iso(state?.lastRenewal), failures: state?.failures ?? 0, lastError: state?.lastError ?? null };
    }),
    apps: store.list(APPLICATION).map((a) => {
      const s = (a.status ?? {}) as { sync?: { status?: string; revision?: string }; health?: { status?: string } };
      return { name: a.metadata.name, sync: s.sync?.status ?? 'Unknown', health: s.health?.status ?? 'Unknown', revision: s.sync?.revision ?? '' };
    }),
    postgres: {
      up: postgres.isUp(),
      node: postgres.node,
      address: postgres.address,
      databases: world.topology.postgres.databases.map((d) => {
        const db = postgres.database(d.name);
        return { name: d.name, present: !!db, rows: db?.rows ?? null, dataToken: db?.dataToken ?? null, intact: postgres.intact(d.name) };
      }),
      backups: postgres.backups.map((b) => ({ database: b.database, takenAt: new Date(b.takenAt).toISOString(), location: b.name })),
    },
    gitea: {
      up: gitea.isUp(),
      healthy: gitea.isUp() && gitea.databaseProblem() === null,
      repos: [...gitea.repos.entries()].map(([fullName, repo]) => ({ fullName, head: gitea.branchHead(repo)?.sha ?? '', headMessage: gitea.branchHead(repo)?.message ?? '' })),
    },
    stepca: {
      up: stepca.isUp(),
      rootFingerprint: stepca.rootFingerprint,
      certificates: [...stepca.certificates.values()].map((c) => ({ name: c.name, commonName: c.commonName, serial: c.serial, notAfter: new Date(c.notAfter).toISOString(), issuerFingerprint: c.issuerFingerprint, ...stepca.status(c) })),
    },
    faults: faults.history.map((f) => ({ at: new Date(f.at).toISOString(), kind: f.kind, ...(f.target ? { target: f.target } : {}) })),
  });
}
