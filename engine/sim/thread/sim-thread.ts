// The embedded lab-sim's thread (see start-sim-thread.ts): starts the sim, says where its files
// are, and stops it when told.
import { parentPort, workerData } from 'node:worker_threads';
import { startLabSim, type LabSimOptions } from '../index.ts';
import type { FromSimThread, ToSimThread } from './sim-thread-messages.ts';

const port = parentPort;
if (!port) throw new Error('sim-thread.ts runs as a worker thread');
const say = (m: FromSimThread) => port.postMessage(m);

try {
  const sim = await startLabSim(workerData as LabSimOptions);
  port.on('message', (m: ToSimThread) => {
    if (m.kind === 'stop') void sim.stop().then(() => say({ kind: 'stopped' }), (e: Error) => say({ kind: 'failed', message: e.message }));
  });
  say({ kind: 'started', stateDir: sim.stateDir, configFile: sim.files.config });
} catch (e) {
  say({ kind: 'failed', message: (e as Error).message });
}
