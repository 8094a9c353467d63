import { randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManualClock, createRealClock } from './clock.ts';
import { createControlHandler } from './control/control-server.ts';
import { createGiteaHandler } from './gitea/gitea-server.ts';
import { clusterCaCertificate } from './kube/auth/cluster-ca.ts';
import { SECRET, ServiceAccountTokens } from './kube/auth/service-account-tokens.ts';
import type { KubeStore } from './kube/store.ts';
import { createKubeHandler } from './kube/kube-server.ts';
import { ServiceListener } from './net/service-listener.ts';
import { PostgresServer } from './postgres/postgres-server.ts';
import { PostgresSync } from './postgres/postgres-sync.ts';
import { createPrng } from './prng.ts';
import { ServiceExposure, type ServiceListeners } from './service-exposure.ts';
import { stateFilePaths, writeStateFiles } from './state-files.ts';
import { createStepCaHandler } from './stepca/stepca-server.ts';
import { allTlsListeners, createTlsListeners, TlsExposure } from './tls/tls-exposure.ts';
import { DEFAULT_TOPOLOGY_FILE, loadTopology } from './topology/load-topology.ts';
import { relayListVerb } from './vault/list-verb.ts';
import { createVaultHandler } from './vault/vault-server.ts';
import { populate, scaledNodes } from './world/bootstrap.ts';
import { VIEWER } from './world/access-control-seed.ts';
import { ServiceAccountTokenController } from './world/service-account-token-controller.ts';
import { Faults, type FaultKind } from './world/faults.ts';
import { cloneRunbooks, seedRepositories } from './world/gitea-seed.ts';
import { GiteaUsers } from './world/gitea-users.ts';
import { Lab } from './world/lab.ts';
import { churnPods } from './world/pod-churn.ts';
import { RecoveryActions } from './world/recovery-actions.ts';
import { dumpState, type SimStateDump } from './world/state-dump.ts';

export type { FaultKind } from './world/faults.ts';
export { FAULT_KINDS } from './world/faults.ts';
export type { SimStateDump } from './world/state-dump.ts';
export { TopologyError } from './topology/yaml-cursor.ts';

export interface LabSimOptions {
  stateDir?: string;
  topologyFile?: string;
  clock?: 'real' | 'manual';
  speed?: number;
  seed?: number;
  scale?: { nodes?: number; podsPerNode?: number };
  ports?: { kube?: number; vault?: number; control?: number; gitea?: number; stepca?: number; postgres?: number };
  /** Watch events kept per resource for resumption; older resourceVersions get 410 Expired. */
  watchHistory?: number;
  /** Sim time at start (ms since epoch); defaults to the current second. */
  epochMs?: number;
}

export interface LabSim {
  urls: { kube: string; vault: string; control: string; gitea: string; stepca: string };
  /**
   * The TLS lab-sim serves with Step-CA's certificates: Traefik's websecure entrypoint (`host:port`,
   * SNI picks the Ingress host's certificate) and the services outside the cluster, by host name.
   */
  tls: { traefik: string; endpoints: { name: string; address: string }[] };
  /** PostgreSQL's wire-protocol listener (not HTTP, so not in `urls`); user `postgres`, password in files.postgresPassword. */
  postgres: { host: string; port: number };
  stateDir: string;
  /** `kubeconfig`: the admin (as always); `viewerKubeconfig`: the read-only identity, its current context `lab-sim-viewer`. */
  files: { kubeconfig: string; viewerKubeconfig: string; env: string; config: string; keyFile: string; postgresPassword: string; giteaToken: string };
  advance(ms: number): Promise<void>;
  now(): number;
  fault(kind: FaultKind, target?: string): Promise<void>;
  state(): SimStateDump;
  /** Benchmarks only: relabel the generated load pods at `perSecond`; stop() returns the rate reached. */
  churnPods(perSecond: number): { stop(): number };
  stop(): Promise<void>;
}

const DEFAULT_WATCH_HISTORY = 5000;
const REAL_CLOCK_POLL_MS = 2000;

export async function startLabSim(opts: LabSimOptions = {}): Promise<LabSim> {
  const topology = loadTopology(opts.topologyFile ?? DEFAULT_TOPOLOGY_FILE);
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), 'lab-sim-'));
  mkdirSync(stateDir, { recursive: true });
  const epoch = opts.epochMs ?? Math.floor(Date.now() / 1000) * 1000;
  const clock = opts.clock === 'manual' ? createManualClock(epoch) : createRealClock(opts.speed ?? 1);
  const seed = opts.seed ?? randomInt(2 ** 31);
  const prng = createPrng(seed);
  // PostgreSQL's password, salts and process ids come from a stream of their own, so they do not
  // shift the world's seeded ids (uids, pod names) that recorded scenarios replay.
  const pgPrng = createPrng(seed ^ 0x7067);
  const postgresPassword = pgPrng.bytes(18).toString('base64url');
  const bearerToken = `lab-sim.${prng.hex(40)}`;
  // Gitea's API token, from its own stream too: new files must not shift the replayed ids.
  const giteaPrng = createPrng(seed ^ 0x6774);
  const giteaToken = giteaPrng.hex(40);
  const ports = opts.ports ?? {};
  const lab = new Lab(topology, scaledNodes(topology, opts.scale), clock, prng, opts.watchHistory ?? DEFAULT_WATCH_HISTORY, join(stateDir, 'git'), new GiteaUsers(giteaPrng, giteaToken));
  const { world } = lab;
  // The real server starts while the world is built (it is most of a sim's start-up).
  const pgStarting = PostgresServer.start({ stateDir, spec: topology.postgres, password: postgresPassword, salt: pgPrng.bytes(16), port: ports.postgres, backupNames: lab.postgres.backupNames() });
  pgStarting.catch(() => undefined); // a failure is met where it is awaited, below
  // ArgoCD builds the lab from the gitops repository's commits: they exist before anything runs.
  await seedRepositories(lab.gitea, topology, clock.now());
  // The operator's runbooks clone is made while the rest starts; its origin waits for Gitea's port.
  let giteaBound: (url: string) => void = () => {};
  const runbooksCloned = cloneRunbooks(lab.gitea, topology, join(stateDir, 'runbooks'), new Promise<string>((resolve) => (giteaBound = resolve)));
  runbooksCloned.catch(() => undefined); // met where it is awaited, below
  // ServiceAccount tokens, their Secrets' CA and the RBAC objects' uids: a stream of their own too.
  const accessPrng = createPrng(seed ^ 0x7361);
  const tokens = new ServiceAccountTokens(world.store, accessPrng, () => clock.now());
  world.register(new ServiceAccountTokenController(world, () => tokens.mint(), clusterCaCertificate(accessPrng, epoch), () => lab.power.controlPlaneUp()));
  populate(lab, opts.scale, () => accessPrng.uid());

  const faults = new Faults(lab);
  const recovery = new RecoveryActions(lab);
  const settle = () => world.settle();
  const listeners: ServiceListeners = {
    kube: new ServiceListener('kube', createKubeHandler({ store: world.store, now: () => clock.now(), nameSuffix: () => prng.podSuffix(), afterWrite: settle, podLog: (ns, name, container, previous) => lab.kubelet.containerLog(`${ns}/${name}`, container, previous), bearerToken, tokens, kubernetesVersion: topology.cluster.kubernetesVersion, platform: topology.cluster.platform }), ports.kube),
    vault: new ServiceListener('vault', createVaultHandler({ vault: lab.vault, now: () => clock.now(), afterWrite: settle }), ports.vault, relayListVerb),
    gitea: new ServiceListener('gitea', createGiteaHandler({ gitea: lab.gitea, baseUrl: () => listeners.gitea.url, now: () => clock.now(), afterWrite: settle }), ports.gitea),
    stepca: new ServiceListener('stepca', createStepCaHandler(lab.stepca, topology.stepca.version), ports.stepca),
  };
  const exposure = new ServiceExposure(lab, listeners);
  const tlsListeners = createTlsListeners(lab, seed);
  const tlsExposure = new TlsExposure(lab, tlsListeners);
  const pgServer = await pgStarting;
  const pgSync = new PostgresSync(world, lab.postgres, pgServer);
  clock.onStep(() => pgSync.sync(false));
  const servicesSettled = async () => {
    await Promise.all([...Object.values(listeners), ...allTlsListeners(tlsListeners)].map((l) => l.setUp(l.isUp)));
    await pgSync.sync();
  };
  const state = () => dumpState(lab, faults, exposure.desired());

  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };
  const advance = (ms: number) => serial(async () => {
    await clock.advance(ms);
    await servicesSettled();
  });
  const fault = (kind: string, target?: string) => serial(async () => {
    const record = await faults.inject(kind, target);
    await servicesSettled();
    return record;
  });

  const control = new ServiceListener('control', createControlHandler({ fault, advance, state, recovery, settled: servicesSettled }), ports.control);
  const all = [...Object.values(listeners), ...allTlsListeners(tlsListeners), control, pgServer];
  try {
    await Promise.all([...Object.values(listeners), ...allTlsListeners(tlsListeners)].map((l) => l.start()).concat(control.start()));
    world.register(exposure);
    world.register(tlsExposure);
    world.settle();
    // Vault's roles for the credentials VSO injected while the lab was built, and a first read.
    await pgSync.sync();
  } catch (err) {
    clock.stop();
    await Promise.all(all.map((l) => l.stop()));
    throw err;
  }
  // On the real clock nothing else makes the sim look: a client may have changed the server.
  const poll = clock.mode === 'real' ? setInterval(() => pgSync.sync().catch(() => undefined), REAL_CLOCK_POLL_MS) : undefined;
  poll?.unref();

  const urls = { kube: listeners.kube.url, vault: listeners.vault.url, control: control.url, gitea: listeners.gitea.url, stepca: listeners.stepca.url };
  const postgres = { host: pgServer.host, port: pgServer.port };
  const tls = { traefik: tlsListeners.traefik.address, endpoints: [...tlsListeners.endpoints.values()].map((e) => ({ name: e.host, address: e.listener.address })) };
  giteaBound(urls.gitea);
  const runbooks = await runbooksCloned;
  const files = writeStateFiles({ stateDir, urls, tls, postgres, postgresPassword, gitea: { token: giteaToken, owner: topology.argocd.repo.split('/')[0] as string }, runbooks, bearerToken, viewerToken: viewerToken(world.store), unsealKey: lab.vault.unsealKey, rootToken: lab.vault.rootToken, dnsZone: topology.cluster.dnsZone });

  return {
    urls,
    tls,
    postgres,
    stateDir,
    files: { kubeconfig: files.kubeconfig, viewerKubeconfig: files.viewerKubeconfig, env: files.env, config: files.config, keyFile: files.keyFile, postgresPassword: files.postgresPassword, giteaToken: files.giteaToken },
    advance,
    now: () => clock.now(),
    fault: async (kind, target) => {
      await fault(kind, target);
    },
    state,
    churnPods: (perSecond) => churnPods(world.store, perSecond),
    async stop() {
      clearInterval(poll);
      clock.stop();
      await Promise.all(all.map((l) => l.stop()));
      rmSync(stateFilePaths(stateDir).control, { force: true });
    },
  };
}

/** The token the tokens controller wrote into the viewer's Secret while the lab was built. */
function viewerToken(store: KubeStore): string {
  const encoded = (store.get(SECRET, VIEWER.namespace, VIEWER.secret)?.data as { token?: string } | undefined)?.token;
  if (!encoded) throw new Error('lab-sim: the viewer token Secret was not filled by the tokens controller');
  return Buffer.from(encoded, 'base64').toString();
}
