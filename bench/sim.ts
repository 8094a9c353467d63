import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { startLabSim, type LabSim } from '../engine/sim/index.ts';
import { summarize } from './stats.ts';

export const name = 'sim';

const SCALE = { nodes: 500, podsPerNode: 40 };
const LIST_RUNS = 9;
const WATCH_CHANGES = 300;
const TARGETS = { listMedianMs: 1000, watchP95Ms: 50 };

function token(sim: LabSim): string {
  return (parse(readFileSync(sim.files.kubeconfig, 'utf8')) as { users: { user: { token: string } }[] }).users[0]?.user.token ?? '';
}

/** GET the full pod list; time until the whole body has arrived, and until it is parsed. */
async function timeList(sim: LabSim, auth: string): Promise<{ transferMs: number; parsedMs: number; bytes: number; items: number }> {
  const start = performance.now();
  const res = await fetch(`${sim.urls.kube}/api/v1/pods`, { headers: { authorization: auth } });
  const text = await res.text();
  const transferMs = performance.now() - start;
  const list = JSON.parse(text) as { items: unknown[] };
  return { transferMs, parsedMs: performance.now() - start, bytes: text.length, items: list.items.length };
}

/**
 * Latency from a state change to its watch event reaching a client-node Watch: each change is a
 * PATCH of one pod's labels through the kube API, timed from just before the request is sent to
 * the moment the matching MODIFIED event is delivered to the watch callback.
 */
async function timeWatch(sim: LabSim, auth: string): Promise<number[]> {
  const kc = new KubeConfig();
  kc.loadFromFile(sim.files.kubeconfig);
  const pending = new Map<string, (at: number) => void>();
  const watch = new Watch(kc);
  const list = (await (await fetch(`${sim.urls.kube}/api/v1/namespaces/load/pods`, { headers: { authorization: auth } })).json()) as { metadata: { resourceVersion: string }; items: { metadata: { name: string } }[] };
  const controller = await watch.watch('/api/v1/namespaces/load/pods', { resourceVersion: list.metadata.resourceVersion }, (_type, obj: { metadata: { name: string; labels?: Record<string, string> } }) => {
    const key = `${obj.metadata.name}#${obj.metadata.labels?.bench}`;
    pending.get(key)?.(performance.now());
  }, () => undefined);
  const samples: number[] = [];
  try {
    for (let i = 0; i < WATCH_CHANGES; i++) {
      const pod = list.items[(i * 97) % list.items.length]?.metadata.name as string;
      const received = new Promise<number>((resolve) => pending.set(`${pod}#${i}`, resolve));
      const start = performance.now();
      const res = await fetch(`${sim.urls.kube}/api/v1/namespaces/load/pods/${pod}`, {
        method: 'PATCH',
        headers: { authorization: auth, 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ metadata: { labels: { bench: String(i) } } }),
      });
      await res.arrayBuffer();
      samples.push((await received) - start);
      pending.delete(`${pod}#${i}`);
    }
  } finally {
    controller.abort();
  }
  return samples;
}

export async function run(): Promise<{ targetsMet: boolean; [metric: string]: unknown }> {
  const startAt = performance.now();
  const sim = await startLabSim({ clock: 'manual', seed: 1, scale: SCALE });
  const startupMs = performance.now() - startAt;
  try {
    const auth = `Bearer ${token(sim)}`;
    const state = sim.state();
    const cold = await timeList(sim, auth);
    const warm: Awaited<ReturnType<typeof timeList>>[] = [];
    for (let i = 0; i < LIST_RUNS; i++) warm.push(await timeList(sim, auth));
    const transfer = summarize(warm.map((w) => w.transferMs));
    const parsed = summarize(warm.map((w) => w.parsedMs));
    const watch = summarize(await timeWatch(sim, auth));
    return {
      targetsMet: transfer.median < TARGETS.listMedianMs && watch.p95 < TARGETS.watchP95Ms,
      targets: TARGETS,
      cluster: { nodes: state.nodes.length, pods: state.podCount, startupMs: Math.round(startupMs) },
      podList: { bytes: cold.bytes, items: cold.items, coldTransferMs: Math.round(cold.transferMs), transferMs: transfer, transferAndJsonParseMs: parsed },
      watchLatencyMs: watch,
    };
  } finally {
    await sim.stop();
  }
}
