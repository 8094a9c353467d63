import type { WorkloadNeeds } from '../topology/topology-types.ts';
import { resourceForKind } from '../kube/resources.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import type { Longhorn } from './longhorn.ts';
import type { PodObject } from './pod-index.ts';
import type { Login, Postgres } from './postgres.ts';
import type { VaultCore } from './vault-core.ts';
import type { World } from './world.ts';

const SECRET = resourceForKind('v1', 'Secret');

/**
 * What a lab container checks when it starts and in its readiness probe: its Longhorn volume
 * (and for the ERP, that the filestore on it is not empty), its database on pi2, the dynamic
 * credentials VSO wrote into its Secret, and for Vault itself, the seal.
 */
export class PodDependencies {
  private readonly needs = new Map<string, WorkloadNeeds>();

  constructor(
    private readonly world: World,
    private readonly longhorn: Longhorn,
    private readonly postgres: Postgres,
    private readonly vault: VaultCore,
  ) {
    for (const w of world.topology.workloads) this.needs.set(`${w.namespace}/${w.name}`, w.needs);
  }

  /** The topology's needs for the lab's workloads; for any other pod, the Secret its env reads. */
  needsFor(pod: PodObject): WorkloadNeeds {
    const declared = this.needs.get(`${pod.metadata.namespace}/${pod.metadata.labels?.app}`);
    if (declared) return declared;
    const secret = envSecret(pod);
    return secret ? { secret } : {};
  }

  /** CreateContainerConfigError: the Secret the container reads its env from is missing. */
  configProblem(pod: PodObject, needs: WorkloadNeeds): string | null {
    if (!needs.secret) return null;
    return this.secret(pod, needs.secret) ? null : `secret "${needs.secret}" not found`;
  }

  /** The database credentials the container reads from its Secret at start. */
  databaseLogin(pod: PodObject, needs: WorkloadNeeds): Login | undefined {
    const data = needs.secret ? (this.secret(pod, needs.secret)?.data as Record<string, string> | undefined) : undefined;
    const text = (key: string) => Buffer.from(data?.[key] ?? '', 'base64').toString('utf8');
    return data?.username ? { username: text('username'), password: text('password') } : undefined;
  }

  attachProblem(pod: PodObject, needs: WorkloadNeeds, podAlive: (key: string) => boolean): string | null {
    if (!needs.volume) return null;
    return this.longhorn.attachProblem(needs.volume, podKey(pod), podAlive);
  }

  /** Fatal at start: the process exits with this message. */
  startProblem(pod: PodObject, needs: WorkloadNeeds, login: Login | undefined): string | null {
    if (needs.volume) {
      const v = this.longhorn.volume(needs.volume);
      if (!v || v.attachedBy !== podKey(pod)) return `volume ${needs.volume} is not attached`;
      if (this.longhorn.robustness(v) === 'faulted') return `I/O error on ${needs.volume}: volume is faulted`;
      if (needs.volumeData && this.longhorn.content(v) === null) {
        return `filestore check failed: /var/lib/${pod.metadata.labels?.app}/filestore is empty (volume ${needs.volume} has no data)`;
      }
    }
    // The workload logs in to its database with those credentials, as it does for real.
    if (needs.database) return this.postgres.connectionProblem(needs.database, needs.secret ? (login ?? { username: '', password: '' }) : undefined);
    return null;
  }

  /** Readiness probe: the start checks still hold, and Vault's own probe wants it unsealed. */
  readinessProblem(pod: PodObject, needs: WorkloadNeeds, login: Login | undefined): string | null {
    if (needs.vaultUnsealed && this.vault.sealed) return 'HTTP probe failed with statuscode: 503 (Vault is sealed)';
    return this.startProblem(pod, needs, login);
  }

  private secret(pod: PodObject, name: string): KubeObject | undefined {
    return this.world.store.get(SECRET, pod.metadata.namespace, name);
  }
}

type SecretRef = { name?: string; optional?: boolean };
type EnvContainer = { envFrom?: { secretRef?: SecretRef }[]; env?: { valueFrom?: { secretKeyRef?: SecretRef } }[] };

const required = (ref: SecretRef | undefined) => (ref?.name && !ref.optional ? ref.name : undefined);

/** The first Secret a container must take its environment from (the kubelet needs it to start). */
function envSecret(pod: PodObject): string | undefined {
  for (const c of pod.spec.containers as EnvContainer[]) {
    for (const ref of [...(c.envFrom ?? []).map((e) => e.secretRef), ...(c.env ?? []).map((e) => e.valueFrom?.secretKeyRef)]) {
      const name = required(ref);
      if (name) return name;
    }
  }
  return undefined;
}

export function podKey(pod: PodObject): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}
