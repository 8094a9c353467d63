import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startLabSim, type LabSim } from '../engine/sim/index.ts';
import { summarize } from './stats.ts';
import { BenchTerminal, cpuSeconds, rssMb } from './terminal.ts';

export const name = 'dashboard';

const BIN = resolve('bin/lab-tui.js');
const TARGETS = { firstFrameMs: 1000, firstLiveMs: 2000, latencyRatioP95: 1.0, scaleLatencyP95Ms: 250, largeFirstLiveMs: 2000, rssMb: 300, idleCpuPercent: 2 };
const CHANGES = 100;

const nodeState = (screen: string, node: string) => new RegExp(`^${node}\\s+\\S+\\s+(Ready|NotReady)`, 'm').exec(screen)?.[1];

/** Flips `node` NotReady/Ready through the control API and the manual clock; returns when the change is in the API. */
async function flip(sim: LabSim, node: string, toReady: boolean): Promise<number> {
  await sim.fault(toReady ? 'node-start' : 'node-stop', node);
  await sim.advance(toReady ? 60_000 : 45_000);
  return performance.now();
}

let launches = 0;

/** Launches lab-tui in a new window (named uniquely: a quitting window may linger) and times it: first frame, first live data, every list in. */
async function startup(sim: LabSim, term: BenchTerminal, liveWhen = (s: string) => /^pi1 /m.test(s)): Promise<{ window: string; firstFrameMs: number; firstLiveMs: number; allListedMs: number }> {
  const window = `e2e:tui${++launches}`;
  const started = performance.now();
  term.window(window.slice(4), `node ${BIN} --config ${sim.files.config}`, { HOME: mkdtempSync(join(tmpdir(), 'bench-')), PATH: process.env.PATH ?? '' });
  const [firstFrameMs, firstLiveMs, allListedMs] = await term.until(started, [
    { target: window, test: (s) => s.includes('lab-tui') },
    { target: window, test: (s) => s.includes('kubernetes live') && liveWhen(s) },
    { target: window, test: (s) => s.includes('kubernetes live') && !s.includes('listing pods') && liveWhen(s) },
  ]);
  return { window, firstFrameMs: firstFrameMs!, firstLiveMs: firstLiveMs!, allListedMs: allListedMs! };
}

/** lab-tui and `kubectl get nodes -w` side by side: time from each change to its appearance in each. */
async function sideBySide(sim: LabSim, term: BenchTerminal, window: string, node: string, withKubectl: boolean): Promise<{ tui: number[]; kubectl: number[] }> {
  if (withKubectl) term.window('kubectl', `kubectl --kubeconfig ${sim.files.kubeconfig} get nodes -w`, { PATH: process.env.PATH ?? '' });
  // kubectl appends a line per change and the pane scrolls: the newest line about the node counts.
  const kubectlShows = (s: string) => s.split('\n').filter((l) => l.startsWith(`${node} `)).at(-1)?.split(/\s+/)[1];
  const tui: number[] = [];
  const kubectl: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const toReady = i % 2 === 1;
    const state = toReady ? 'Ready' : 'NotReady';
    const at = await flip(sim, node, toReady);
    const checks = [{ target: window, test: (s: string) => nodeState(s, node) === state }];
    if (withKubectl) checks.push({ target: 'e2e:kubectl', test: (s: string) => kubectlShows(s) === state });
    const [t, k] = await term.until(at, checks);
    tui.push(t!);
    if (k !== undefined) kubectl.push(k);
  }
  return { tui, kubectl };
}

export async function smallLab() {
  const sim = await startLabSim({ clock: 'manual', seed: 3 });
  await sim.advance(60_000);
  const term = new BenchTerminal(160, 45);
  term.start({ PATH: process.env.PATH ?? '' });
  try {
    const launches = [];
    for (let i = 0; i < 3; i++) {
      launches.push(await startup(sim, term));
      if (i < 2) term.keysTo(launches[i]!.window, 'q');
    }
    const { tui, kubectl } = await sideBySide(sim, term, launches[2]!.window, 'pi3', true);
    const tuiS = summarize(tui);
    const kubectlS = summarize(kubectl);
    return {
      firstFrameMs: summarize(launches.map((l) => l.firstFrameMs)),
      firstLiveMs: summarize(launches.map((l) => l.firstLiveMs)),
      eventToScreen: { labTui: tuiS, kubectl: kubectlS, ratioP95: Math.round((tuiS.p95 / kubectlS.p95) * 100) / 100, ratioMedian: Math.round((tuiS.median / kubectlS.median) * 100) / 100 },
    };
  } finally {
    term.kill();
    await sim.stop();
  }
}

export async function largeLab() {
  const sim = await startLabSim({ clock: 'manual', seed: 4, scale: { nodes: 497, podsPerNode: 40 } });
  await sim.advance(60_000);
  const term = new BenchTerminal(160, 45);
  term.start({ PATH: process.env.PATH ?? '' });
  const churn = sim.churnPods(200);
  try {
    const launch = await startup(sim, term, (s) => /Nodes\s+500\b/.test(s));
    const pid = term.nodePid(launch.window);
    term.keysTo(launch.window, '/', 'p', 'i', '3', 'Enter');
    await term.until(performance.now(), [{ target: launch.window, test: (s) => s.includes('/pi3') }]);
    const { tui } = await sideBySide(sim, term, launch.window, 'pi3', false);
    const rssUnderLoad = rssMb(pid);
    const churned = churn.stop();
    await new Promise((r) => setTimeout(r, 3000));
    const cpu0 = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, 30_000));
    const idleCpuPercent = Math.round(((cpuSeconds(pid) - cpu0) / 30) * 1000) / 10;
    return { nodes: 500, podEventsPerSecond: churned, firstLiveMs: launch.firstLiveMs, allListedMs: launch.allListedMs, eventToScreenUnderLoad: summarize(tui), rssMb: Math.max(rssUnderLoad, rssMb(pid)), idleCpuPercent };
  } finally {
    churn.stop();
    term.kill();
    await sim.stop();
  }
}

export async function run() {
  const small = await smallLab();
  process.stdout.write(`small lab: ${JSON.stringify(small)}\n`);
  const large = await largeLab();
  const targetsMet =
    small.firstFrameMs.max <= TARGETS.firstFrameMs &&
    small.firstLiveMs.max <= TARGETS.firstLiveMs &&
    small.eventToScreen.ratioP95 <= TARGETS.latencyRatioP95 &&
    large.podEventsPerSecond >= 200 * 0.95 &&
    large.firstLiveMs <= TARGETS.largeFirstLiveMs &&
    large.eventToScreenUnderLoad.p95 <= TARGETS.scaleLatencyP95Ms &&
    large.rssMb <= TARGETS.rssMb &&
    large.idleCpuPercent <= TARGETS.idleCpuPercent;
  return { targets: TARGETS, small, large, targetsMet };
}
