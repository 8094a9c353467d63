// The validated, typed form of manifests/lab.yaml. Durations are milliseconds, sizes bytes.

export interface Topology {
  cluster: {
    name: string;
    kubernetesVersion: string;
    platform: string;
    dnsZone: string;
    marker: { namespace: string; name: string; data: Record<string, string> };
  };
  timings: Timings;
  nodes: NodeSpec[];
  namespaces: string[];
  workloads: WorkloadSpec[];
  longhorn: { version: string; dataPath: string; volumes: VolumeSpec[] };
  vault: VaultSpec;
  vso: VsoSpec;
  argocd: ArgoSpec;
  postgres: PostgresSpec;
  gitea: GiteaSpec;
  stepca: StepCaSpec;
}

export interface Timings {
  nodeMonitorGracePeriod: number;
  podEvictionTimeout: number;
  nodeBoot: number;
  containerStart: number;
  readinessDelay: number;
  crashAfter: number;
  crashLoopBackoffInitial: number;
  crashLoopBackoffMax: number;
  podShutdown: number;
  volumeRebuild: number;
  longhornReinstall: number;
  blockDeviceInjection: number;
  vsoBackoffInitial: number;
  vsoBackoffMax: number;
  argocdRefresh: number;
  argocdSelfHeal: number;
  progressDeadline: number;
  postgresStart: number;
  giteaStart: number;
  eventRetention: number;
}

export interface NodeSpec {
  name: string;
  roles: string[];
  internalIP: string;
  cpu: string;
  memory: string;
  osImage: string;
  kernelVersion: string;
  containerRuntimeVersion: string;
  /** Generated benchmark nodes carry no Longhorn disk and no DaemonSet pods. */
  generated?: boolean;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

export interface WorkloadNeeds {
  volume?: string;
  /** The container refuses to start on an empty volume (ERP filestore check). */
  volumeData?: boolean;
  database?: string;
  secret?: string;
  vaultUnsealed?: boolean;
}

export interface WorkloadSpec {
  namespace: string;
  name: string;
  kind: WorkloadKind;
  replicas: number;
  image: string;
  nodeName?: string;
  needs: WorkloadNeeds;
}

export interface VolumeSpec {
  name: string;
  size: number;
  accessMode: 'rwo' | 'rwx';
  pvc: { namespace: string; name: string };
  dataToken: string;
}

export interface VaultSpec {
  version: string;
  clusterName: string;
  kv: { mount: string; path: string; data: Record<string, string> }[];
  policies: { name: string; rules: string }[];
  kubernetesRoles: { name: string; serviceAccounts: string[]; namespaces: string[]; policies: string[]; ttl: number }[];
  databaseRoles: { name: string; database: string; defaultTtl: number; maxTtl: number }[];
  /** database/config/<name>: the secrets engine's connection to pi2's PostgreSQL, as `postgres`. */
  databaseConnection: { name: string; database: string; allowedRoles: string[] };
}

export interface VsoSpec {
  version: string;
  dynamicSecrets: {
    namespace: string;
    name: string;
    role: string;
    mount: string;
    path: string;
    destination: string;
    renewalPercent: number;
    rolloutRestartTargets: { kind: string; name: string }[];
  }[];
  staticSecrets: {
    namespace: string;
    name: string;
    role: string;
    mount: string;
    path: string;
    destination: string;
    refreshAfter: number;
  }[];
}

export interface ArgoSpec {
  version: string;
  root: string;
  repo: string;
  targetRevision: string;
  apps: { name: string; namespace: string; workloads: string[]; configMaps: string[] }[];
}

export interface PostgresSpec {
  node: string;
  version: string;
  port: number;
  backupAge: number;
  databases: { name: string; owner: string; table: string; rows: number; dataToken: string }[];
}

export interface GiteaSpec {
  node: string;
  version: string;
  database: string;
  /** Private repositories (the default) are served to the token only, clone included. */
  repos: { owner: string; name: string; defaultBranch: string; description: string; private: boolean }[];
}

export interface StepCaSpec {
  version: string;
  rootCommonName: string;
  reissueLifetime: number;
  certificates: CertificateSpec[];
}

/** A sandbox certificate and where it is served: by Traefik for an Ingress, or by a service outside the cluster. */
export interface CertificateSpec {
  name: string;
  commonName: string;
  expiresIn: number;
  /** The app's Ingress (named like the certificate) and the backend it routes to. */
  ingress?: { namespace: string; service: string; port: number };
  /** The node whose service serves it on its own TLS port. */
  endpoint?: string;
}
