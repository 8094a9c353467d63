import fs from 'node:fs';
import path from 'node:path';
import { createSimControl, type SimControl } from '../../engine/adapters/sim-control.ts';
import { refuse } from './refusal.ts';

export { SimControlError } from '../../engine/adapters/sim-control.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

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
  const host = new URL(url).hostname;
  if (!LOOPBACK.has(host)) refuse(`lab-sim control API ${url}`, 'sim.loopback', 'lab-sim listens on loopback only; this control URL is elsewhere', `check ${file}`);
  return createSimControl(url, () => {});
}
