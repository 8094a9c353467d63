import type { KubeStore } from '../kube/store.ts';
import { POD } from './pod-index.ts';

/**
 * A load generator for benchmarks: relabels the generated `load` pods at a steady rate, in
 * real time, straight in the store (so the cost measured is the watch fan-out and the client,
 * not HTTP request parsing in the same process).
 */
export function churnPods(store: KubeStore, perSecond: number): { stop(): number } {
  const pods = [...store.collection(POD).entries('load')].map((e) => e.obj.metadata.name);
  if (!pods.length) throw new Error('pod churn needs the generated load pods (start lab-sim with scale.podsPerNode)');
  const started = Date.now();
  let sent = 0;
  const tickMs = 20;
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * perSecond) - sent;
    for (let i = 0; i < due; i++, sent++) {
      store.update(POD, 'load', pods[sent % pods.length]!, (p) => {
        p.metadata.labels = { ...p.metadata.labels, churn: String(sent) };
      });
    }
  }, tickMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.round(sent / ((Date.now() - started) / 1000));
    },
  };
}
