import { objectKey, type KubeObject } from '../kube/kube-object.ts';
import { resourceForKind } from '../kube/resources.ts';
import type { KubeStore } from '../kube/store.ts';

export const POD = resourceForKind('v1', 'Pod');

export interface PodObject extends KubeObject {
  spec: {
    nodeName?: string;
    nodeSelector?: Record<string, string>;
    containers: { name: string; image: string }[];
    [k: string]: unknown;
  };
  status?: Record<string, unknown>;
}

/**
 * Secondary indexes over pods that the controllers need on every settle, kept current from the
 * store's change feed so that 20,000 benchmark pods cost nothing when they do not change.
 */
export class PodIndex {
  private readonly byNode = new Map<string, Set<string>>();
  readonly unscheduled = new Set<string>();
  readonly terminating = new Set<string>();

  constructor(private readonly store: KubeStore) {
    store.onChange((def, event) => {
      if (def !== POD) return;
      const previous = event.previous?.obj as PodObject | undefined;
      const current = event.entry.obj as PodObject;
      const key = objectKey(current.metadata.namespace, current.metadata.name);
      if (previous?.spec.nodeName) this.byNode.get(previous.spec.nodeName)?.delete(key);
      this.unscheduled.delete(key);
      this.terminating.delete(key);
      if (event.type === 'DELETED') return;
      if (current.spec.nodeName) {
        const set = this.byNode.get(current.spec.nodeName) ?? new Set<string>();
        set.add(key);
        this.byNode.set(current.spec.nodeName, set);
      } else if (!current.metadata.deletionTimestamp) {
        this.unscheduled.add(key);
      }
      if (current.metadata.deletionTimestamp) this.terminating.add(key);
    });
  }

  get(key: string): PodObject | undefined {
    const slash = key.indexOf('/');
    return this.store.get<PodObject>(POD, key.slice(0, slash), key.slice(slash + 1));
  }

  onNode(node: string): PodObject[] {
    return [...(this.byNode.get(node) ?? [])].map((k) => this.get(k)).filter((p): p is PodObject => !!p);
  }

  countOnNode(node: string): number {
    return this.byNode.get(node)?.size ?? 0;
  }

  inNamespace(namespace: string): PodObject[] {
    return this.store.list<PodObject>(POD, namespace);
  }
}
