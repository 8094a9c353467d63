import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { LabSimOptions } from '../index.ts';
import type { FromSimThread, ToSimThread } from './sim-thread-messages.ts';

export interface EmbeddedSim {
  stateDir: string;
  /** The lab-tui configuration lab-sim wrote for itself. */
  configFile: string;
  stop(): Promise<void>;
}

/**
 * The embedded lab-sim, in a worker thread of its own when lab-tui runs bundled: its start-up
 * (building the lab, seeding git, starting PostgreSQL) then runs on the second core while the
 * command loads what it needs, and a busy cockpit never delays the sim's answers, nor the sim the
 * cockpit's frames. From the sources (tsx: the tests' in-process CLI) it runs in this thread:
 * Node 20 gives workers no loader hooks, and tsx registered inside a worker was seen to hang.
 */
export async function startEmbeddedSim(opts: LabSimOptions): Promise<EmbeddedSim> {
  const sim = await startSimAnywhere(opts);
  // A state directory lab-sim made for itself is temporary: nothing of it outlives the embedding command.
  if (opts.stateDir) return sim;
  return {
    ...sim,
    stop: async () => {
      try {
        await sim.stop();
      } finally {
        rmSync(sim.stateDir, { recursive: true, force: true });
      }
    },
  };
}

async function startSimAnywhere(opts: LabSimOptions): Promise<EmbeddedSim> {
  if (import.meta.url.endsWith('.ts')) {
    const { startLabSim } = await import('../index.ts');
    const sim = await startLabSim(opts);
    return { stateDir: sim.stateDir, configFile: sim.files.config, stop: () => sim.stop() };
  }
  const worker = new Worker(new URL('./sim-thread.js', import.meta.url), { workerData: opts });
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
