import type { YamlCursor } from './yaml-cursor.ts';
import type {
  ArgoSpec, GiteaSpec, NodeSpec, PostgresSpec, StepCaSpec, Timings, VaultSpec, VolumeSpec, VsoSpec,
  WorkloadSpec,
} from './topology-types.ts';

const TIMING_KEYS: (keyof Timings)[] = [
  'nodeMonitorGracePeriod', 'podEvictionTimeout', 'nodeBoot', 'containerStart', 'readinessDelay',
  'crashAfter', 'crashLoopBackoffInitial', 'crashLoopBackoffMax', 'podShutdown', 'volumeRebuild',
  'longhornReinstall', 'blockDeviceInjection', 'vsoBackoffInitial', 'vsoBackoffMax',
  'argocdRefresh', 'argocdSelfHeal', 'progressDeadline', 'postgresStart', 'giteaStart',
];

export function readTimings(c: YamlCursor): Timings {
  const out = { eventRetention: c.at('eventRetention').int({ min: 10 }) } as Timings;
  for (const key of TIMING_KEYS) out[key] = c.at(key).duration();
  const unknown = c.keys().find((k) => k !== 'eventRetention' && !TIMING_KEYS.includes(k as keyof Timings));
  if (unknown) c.at(unknown).fail(`unknown timing; known: ${TIMING_KEYS.join(', ')}, eventRetention`);
  return out;
}

export function readNode(c: YamlCursor): NodeSpec {
  return {
    name: c.at('name').str(),
    roles: c.at('roles').strList(),
    internalIP: c.at('internalIP').str(),
    cpu: c.at('cpu').str(),
    memory: c.at('memory').str(),
    osImage: c.at('osImage').str(),
    kernelVersion: c.at('kernelVersion').str(),
    containerRuntimeVersion: c.at('containerRuntimeVersion').str(),
  };
}

export function readWorkload(c: YamlCursor): WorkloadSpec {
  const kind = c.at('kind').oneOf(['Deployment', 'StatefulSet', 'DaemonSet'] as const);
  const needs = c.at('needs');
  return {
    namespace: c.at('namespace').str(),
    name: c.at('name').str(),
    kind,
    replicas: kind === 'DaemonSet' ? 0 : c.at('replicas').int({ min: 0 }),
    image: c.at('image').str(),
    nodeName: c.at('nodeName').optStr(),
    needs: needs.present
      ? {
          volume: needs.at('volume').optStr(),
          volumeData: needs.at('volumeData').bool(false),
          database: needs.at('database').optStr(),
          secret: needs.at('secret').optStr(),
          vaultUnsealed: needs.at('vaultUnsealed').bool(false),
        }
      : {},
  };
}

export function readVolume(c: YamlCursor): VolumeSpec {
  return {
    name: c.at('name').str(),
    size: c.at('size').size(),
    accessMode: c.at('accessMode').oneOf(['rwo', 'rwx'] as const, 'rwo'),
    pvc: { namespace: c.at('pvc').at('namespace').str(), name: c.at('pvc').at('name').str() },
    dataToken: c.at('dataToken').str(),
  };
}

export function readVault(c: YamlCursor): VaultSpec {
  return {
    version: c.at('version').str(),
    clusterName: c.at('clusterName').str(),
    kv: c.at('kv').items().map((kv) => ({ mount: kv.at('mount').str(), path: kv.at('path').str(), data: kv.at('data').strMap() })),
    policies: c.at('policies').items().map((p) => ({ name: p.at('name').str(), rules: p.at('rules').str() })),
    kubernetesRoles: c.at('kubernetesRoles').items().map((r) => ({
      name: r.at('name').str(),
      serviceAccounts: r.at('serviceAccounts').strList({ required: true }),
      namespaces: r.at('namespaces').strList({ required: true }),
      policies: r.at('policies').strList({ required: true }),
      ttl: r.at('ttl').duration(),
    })),
    databaseRoles: c.at('databaseRoles').items().map((r) => ({
      name: r.at('name').str(),
      database: r.at('database').str(),
      defaultTtl: r.at('defaultTtl').duration(),
      maxTtl: r.at('maxTtl').duration(),
    })),
    databaseConnection: {
      name: c.at('databaseConnection').at('name').str(),
      database: c.at('databaseConnection').at('database').str(),
      allowedRoles: c.at('databaseConnection').at('allowedRoles').strList({ required: true }),
    },
  };
}

export function readVso(c: YamlCursor): VsoSpec {
  return {
    version: c.at('version').str(),
    dynamicSecrets: c.at('dynamicSecrets').items().map((s) => ({
      namespace: s.at('namespace').str(),
      name: s.at('name').str(),
      role: s.at('role').str(),
      mount: s.at('mount').str(),
      path: s.at('path').str(),
      destination: s.at('destination').str(),
      renewalPercent: s.at('renewalPercent').int({ min: 1, fallback: 67 }),
      rolloutRestartTargets: s.at('rolloutRestartTargets').items().map((t) => ({ kind: t.at('kind').str(), name: t.at('name').str() })),
    })),
    staticSecrets: c.at('staticSecrets').items().map((s) => ({
      namespace: s.at('namespace').str(),
      name: s.at('name').str(),
      role: s.at('role').str(),
      mount: s.at('mount').str(),
      path: s.at('path').str(),
      destination: s.at('destination').str(),
      refreshAfter: s.at('refreshAfter').duration(),
    })),
  };
}

export function readArgo(c: YamlCursor): ArgoSpec {
  return {
    version: c.at('version').str(),
    root: c.at('root').str(),
    repo: c.at('repo').str(),
    targetRevision: c.at('targetRevision').str(),
    apps: c.at('apps').items().map((a) => ({
      name: a.at('name').str(),
      namespace: a.at('namespace').str(),
      workloads: a.at('workloads').strList({ required: true }),
      configMaps: a.at('configMaps').strList(),
    })),
  };
}

export function readPostgres(c: YamlCursor): PostgresSpec {
  return {
    node: c.at('node').str(),
    version: c.at('version').str(),
    port: c.at('port').int({ min: 1 }),
    backupAge: c.at('backupAge').duration(),
    databases: c.at('databases').items().map((d) => ({
      name: d.at('name').str(),
      owner: d.at('owner').str(),
      table: d.at('table').str(),
      rows: d.at('rows').int({ min: 0 }),
      dataToken: d.at('dataToken').str(),
    })),
  };
}

export function readGitea(c: YamlCursor): GiteaSpec {
  return {
    node: c.at('node').str(),
    version: c.at('version').str(),
    database: c.at('database').str(),
    repos: c.at('repos').items().map((r) => ({
      owner: r.at('owner').str(),
      name: r.at('name').str(),
      defaultBranch: r.at('defaultBranch').str(),
      description: r.at('description').str(),
      private: r.at('private').bool(true),
    })),
  };
}

export function readStepCa(c: YamlCursor): StepCaSpec {
  return {
    version: c.at('version').str(),
    rootCommonName: c.at('rootCommonName').str(),
    reissueLifetime: c.at('reissueLifetime').duration(),
    certificates: c.at('certificates').items().map((cert) => {
      const ingress = cert.at('ingress');
      const endpoint = cert.at('endpoint').optStr();
      if (ingress.present === (endpoint !== undefined)) cert.fail('needs exactly one of ingress or endpoint');
      return {
        name: cert.at('name').str(),
        commonName: cert.at('commonName').str(),
        expiresIn: cert.at('expiresIn').duration(),
        ...(ingress.present ? { ingress: { namespace: ingress.at('namespace').str(), service: ingress.at('service').str(), port: ingress.at('port').int({ min: 1 }) } } : { endpoint }),
      };
    }),
  };
}
