import { Worker } from 'node:worker_threads';
import type { LabSimOptions } from '../index.ts';
import type { FromSimThread, ToSimThread } from './sim-thread-messages.ts';

export interface SimThread {
  stateDir: string;
  /** The lab-tui configuration lab-sim wrote for itself. */
  configFile: string;
  stop(): Promise<void>;
}

/**
 * The embedded lab-sim in a worker thread of its own. Its start-up (building the lab, seeding git,
 * starting PostgreSQL) then runs on the second core while the command loads what it needs, and a
 * busy cockpit never delays the sim's answers, nor the sim the cockpit's frames.
 */
export function startSimThread(opts: LabSimOptions): Promise<SimThread> {
  const [entry, how] = threadEntry();
  const worker = new Worker(entry, { ...how, workerData: opts });
  const next = () =>
    new Promise<FromSimThread>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`lab-sim's thread ended (exit ${code})`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (m: FromSimThread) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        resolve(m);
      });
    });
  const stop = async () => {
    const stopped = next();
    worker.postMessage({ kind: 'stop' } satisfies ToSimThread);
    try {
      const m = await stopped;
      if (m.kind === 'failed') throw new Error(`lab-sim did not stop cleanly: ${m.message}`);
    } finally {
      await worker.terminate();
    }
  };
  return next().then(
    async (m) => {
      if (m.kind === 'started') return { stateDir: m.stateDir, configFile: m.configFile, stop };
      await worker.terminate();
      throw new Error(m.kind === 'failed' ? m.message : `lab-sim's thread said ${m.kind} before it started`);
    },
    async (e: Error) => {
      await worker.terminate();
      throw e;
    },
  );
}

/**
 * Bundled, this module is a chunk of dist/ next to the thread's entry, sim-thread.js. From the
 * sources (tsx), the thread registers tsx itself: Node 20 does not pass loader hooks to workers.
 */
function threadEntry(): [URL | string, { eval?: boolean }] {
  if (!import.meta.url.endsWith('.ts')) return [new URL('./sim-thread.js', import.meta.url), {}];
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./sim-thread.ts', import.meta.url).href);
  return [`import(${tsx}).then(({ register }) => { register(); return import(${entry}); })`, { eval: true }];
}
