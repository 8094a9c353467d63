import fs from 'node:fs';
import path from 'node:path';
import { createSimControl, type SimControl } from '../../engine/adapters/sim-control.ts';
import { loopbackOnly } from './connect-policy.ts';
import { refuseNonLoopbackControl } from './normalize.ts';

export { SimControlError } from '../../engine/adapters/sim-control.ts';

/**
 * The control API of a standalone `lab-tui sim serve`, found through its state dir.
 * lab-sim only ever listens on loopback, so anything else is refused.
 */
export function openSimControl(stateDir: string): SimControl {
  const file = path.join(stateDir, 'control.json');
  let url: string;
  try {
    url = (JSON.parse(fs.readFileSync(file, 'utf8')) as { url: string }).url;
  } catch (e) {
    throw new Error(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found — is `lab-tui sim serve --state-dir ' + stateDir + '` running?' : (e as Error).message}`);
  }
  refuseNonLoopbackControl(url, `check ${file}`);
  return createSimControl(url, () => {}, loopbackOnly);
}
