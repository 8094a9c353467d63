import fs from 'node:fs';
import { parse } from 'yaml';
import type { KubeCluster, KubeUser } from '../../engine/adapters/kube.ts';
import { refuse } from './refusal.ts';

export interface KubeconfigFile {
  file: string;
  currentContext?: string;
  contexts: { name: string; cluster: string; user: string; namespace?: string }[];
  clusters: { name: string; cluster: KubeCluster }[];
  users: { name: string; user: KubeUser }[];
}

interface Named<T> {
  name?: unknown;
  [k: string]: unknown;
  value?: T;
}

function named<T>(list: unknown, field: string): { name: string; value: T }[] {
  if (!Array.isArray(list)) return [];
  return (list as Named<T>[])
    .filter((e) => e && typeof e.name === 'string')
    .map((e) => ({ name: e.name as string, value: (e[field] ?? {}) as T }));
}

/**
 * The last parse of each file, by its text: the guard re-reads the kubeconfig before every request
 * (recheck), and parsing YAML is what that costs; the same bytes need not be parsed again.
 */
const parsed = new Map<string, { text: string; doc: Record<string, unknown> }>();

function parseOnce(file: string): Record<string, unknown> {
  const text = fs.readFileSync(file, 'utf8');
  const last = parsed.get(file);
  if (last?.text === text) return last.doc;
  const doc = (parse(text) ?? {}) as Record<string, unknown>;
  parsed.set(file, { text, doc });
  return doc;
}

/** Reads a kubeconfig file without client-node, so the guard sees exactly what is written there. */
export function readKubeconfig(file: string): KubeconfigFile {
  let doc: Record<string, unknown>;
  try {
    doc = parseOnce(file);
  } catch (e) {
    return refuse(`kubeconfig ${file}`, 'kubeconfig.unreadable', (e as Error).message.split('\n')[0] ?? 'unreadable', 'point sandbox.kubernetes.kubeconfig at the sandbox kubeconfig');
  }
  return {
    file,
    currentContext: typeof doc['current-context'] === 'string' ? (doc['current-context'] as string) : undefined,
    contexts: named<{ cluster: string; user: string; namespace?: string }>(doc.contexts, 'context').map((c) => ({ name: c.name, ...c.value })),
    clusters: named<KubeCluster>(doc.clusters, 'cluster').map((c) => ({ name: c.name, cluster: c.value })),
    users: named<KubeUser>(doc.users, 'user').map((u) => ({ name: u.name, user: u.value })),
  };
}
