import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { manifestPath } from '../../common/package-root.ts';
import { rootCursor, TopologyError, type YamlCursor } from './yaml-cursor.ts';
import {
  readArgo, readGitea, readNode, readPostgres, readStepCa, readTimings, readVault, readVolume, readVso,
  readWorkload,
} from './read-sections.ts';
import type { Topology } from './topology-types.ts';

/** manifests/lab.yaml of the installed package, whatever the caller's cwd is. */
export const DEFAULT_TOPOLOGY_FILE = manifestPath('lab.yaml');

export function loadTopology(file: string = DEFAULT_TOPOLOGY_FILE): Topology {
  const text = readFileSync(file, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const pos = lines.linePos(syntax.pos[0]);
    throw new TopologyError(file, pos.line, pos.col, '(syntax)', syntax.message.split('\n')[0] ?? syntax.message);
  }
  const root = rootCursor(file, lines, doc.contents as YamlNode | null);
  const topology = readTopology(root);
  checkReferences(root, topology);
  return topology;
}

function readTopology(root: YamlCursor): Topology {
  const cluster = root.at('cluster');
  const marker = cluster.at('marker');
  const longhorn = root.at('longhorn');
  return {
    cluster: {
      name: cluster.at('name').str(),
      kubernetesVersion: cluster.at('kubernetesVersion').str(),
      platform: cluster.at('platform').str(),
      dnsZone: cluster.at('dnsZone').str(),
      marker: { namespace: marker.at('namespace').str(), name: marker.at('name').str(), data: marker.at('data').strMap() },
    },
    timings: readTimings(root.at('timings')),
    nodes: root.at('nodes').items().map(readNode),
    namespaces: root.at('namespaces').strList({ required: true }),
    workloads: root.at('workloads').items().map(readWorkload),
    longhorn: {
      version: longhorn.at('version').str(),
      dataPath: longhorn.at('dataPath').str(),
      volumes: longhorn.at('volumes').items().map(readVolume),
    },
    vault: readVault(root.at('vault')),
    vso: readVso(root.at('vso')),
    argocd: readArgo(root.at('argocd')),
    postgres: readPostgres(root.at('postgres')),
    gitea: readGitea(root.at('gitea')),
    stepca: readStepCa(root.at('stepca')),
  };
}

/** Fails on the first dangling name, pointing at the field that holds it. */
function checkReferences(root: YamlCursor, t: Topology): void {
  const known = (what: string, names: Iterable<string>) => {
    const set = new Set(names);
    return (value: string | undefined, at: () => YamlCursor) => {
      if (value !== undefined && !set.has(value)) at().fail(`unknown ${what} "${value}"; known: ${[...set].join(', ')}`);
    };
  };
  const unique = (list: YamlCursor, key: (i: number) => string) => {
    const seen = new Set<string>();
    list.items().forEach((item, i) => {
      if (seen.has(key(i))) item.fail(`duplicate "${key(i)}"`);
      seen.add(key(i));
    });
  };
  unique(root.at('nodes'), (i) => t.nodes[i]!.name);
  unique(root.at('workloads'), (i) => `${t.workloads[i]!.namespace}/${t.workloads[i]!.name}`);
  unique(root.at('longhorn').at('volumes'), (i) => t.longhorn.volumes[i]!.name);
  if (!t.nodes.some((n) => n.roles.includes('control-plane'))) root.at('nodes').fail('one node needs the control-plane role');

  const node = known('node', t.nodes.map((n) => n.name));
  const namespace = known('namespace', t.namespaces);
  const volume = known('volume', t.longhorn.volumes.map((v) => v.name));
  const database = known('database', t.postgres.databases.map((d) => d.name));
  const vaultRole = known('Vault kubernetes role', t.vault.kubernetesRoles.map((r) => r.name));
  const secret = known('VSO destination secret', t.vso.dynamicSecrets.map((s) => s.destination));
  const policy = known('Vault policy', t.vault.policies.map((p) => p.name));

  namespace(t.cluster.marker.namespace, () => root.at('cluster').at('marker').at('namespace'));
  node(t.postgres.node, () => root.at('postgres').at('node'));
  node(t.gitea.node, () => root.at('gitea').at('node'));
  database(t.gitea.database, () => root.at('gitea').at('database'));
  const workloads = root.at('workloads').items();
  t.workloads.forEach((w, i) => {
    const c = workloads[i]!;
    namespace(w.namespace, () => c.at('namespace'));
    node(w.nodeName, () => c.at('nodeName'));
    volume(w.needs.volume, () => c.at('needs').at('volume'));
    database(w.needs.database, () => c.at('needs').at('database'));
    secret(w.needs.secret, () => c.at('needs').at('secret'));
  });
  t.longhorn.volumes.forEach((v, i) => namespace(v.pvc.namespace, () => root.at('longhorn').at('volumes').items()[i]!.at('pvc').at('namespace')));
  t.vault.kubernetesRoles.forEach((r, i) =>
    r.policies.forEach((p, j) => policy(p, () => root.at('vault').at('kubernetesRoles').items()[i]!.at('policies').items()[j]!)),
  );
  t.vault.databaseRoles.forEach((r, i) => database(r.database, () => root.at('vault').at('databaseRoles').items()[i]!.at('database')));
  const vso = root.at('vso');
  t.vso.dynamicSecrets.forEach((s, i) => {
    namespace(s.namespace, () => vso.at('dynamicSecrets').items()[i]!.at('namespace'));
    vaultRole(s.role, () => vso.at('dynamicSecrets').items()[i]!.at('role'));
  });
  t.vso.staticSecrets.forEach((s, i) => vaultRole(s.role, () => vso.at('staticSecrets').items()[i]!.at('role')));
  const apps = root.at('argocd').at('apps').items();
  t.argocd.apps.forEach((a, i) => {
    namespace(a.namespace, () => apps[i]!.at('namespace'));
    const inNamespace = known(`workload in ${a.namespace}`, t.workloads.filter((w) => w.namespace === a.namespace).map((w) => w.name));
    a.workloads.forEach((w, j) => inNamespace(w, () => apps[i]!.at('workloads').items()[j]!));
  });
}
