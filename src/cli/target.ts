import fs from 'node:fs';
import path from 'node:path';
import { startEmbeddedSim } from '../../engine/sim/thread/start-sim-thread.ts';
import { findConfigFile, loadConfigFile } from '../config/load.ts';
import { xdgDataHome, type Env } from '../config/paths.ts';
import type { LabConfig } from '../config/types.ts';
import { UsageError } from './exit-codes.ts';

export interface GlobalOptions {
  config?: string;
  sim?: boolean;
}

/** The configuration a command runs against, and how to release what starting it took. */
export interface Target {
  config: LabConfig;
  /** Human description: the file, or the embedded lab-sim and its state dir. */
  origin: string;
  /** The embedded lab-sim: gone once the command ends, so nothing left unfinished on it can be resumed. */
  ephemeral?: boolean;
  stop(): Promise<void>;
}

/**
 * The configuration file when there is one (no `--sim`), without starting anything: for commands
 * that only read the lab's files (its drills, its runbooks) and never reach the sandbox.
 */
export function configFileIfAny(g: GlobalOptions, env: Env): LabConfig | undefined {
  if (g.sim) return undefined;
  const found = findConfigFile(g.config, env);
  return found.explicit || fs.existsSync(found.file) ? loadConfigFile(found.file, env) : undefined;
}

/**
 * `--sim`, or no configuration at all, starts the embedded lab-sim (startEmbeddedSim) and uses the
 * configuration it writes: the guard then checks it like any other sandbox.
 */
export async function resolveTarget(g: GlobalOptions, env: Env): Promise<Target> {
  if (g.sim && (g.config || env.LAB_TUI_CONFIG)) throw new UsageError('--sim starts the embedded simulated sandbox; it cannot be combined with --config or LAB_TUI_CONFIG');
  const found = findConfigFile(g.config, env);
  if (!g.sim && (found.explicit || fs.existsSync(found.file))) {
    return { config: loadConfigFile(found.file, env), origin: found.file, stop: async () => {} };
  }
  const sim = await startEmbeddedSim({ clock: 'real' });
  try {
    const config = loadConfigFile(sim.configFile, env);
    // Its evidence outlives it (the next start shows earlier runs), in a folder no real sandbox shares.
    const evidenceDir = embeddedSimEvidenceDir(env);
    return { config: { ...config, sandbox: { ...config.sandbox, evidenceDir } }, origin: `embedded lab-sim (${sim.stateDir})`, ephemeral: true, stop: () => sim.stop() };
  } catch (e) {
    await sim.stop();
    throw e;
  }
}

/** Where the embedded lab-sim keeps its drill runs between starts: `$XDG_DATA_HOME/lab-tui/lab-sim/evidence`. */
export function embeddedSimEvidenceDir(env: Env): string {
  return path.join(xdgDataHome(env), 'lab-tui', 'lab-sim', 'evidence');
}
