import type { TmuxTerminal } from './tmux.ts';

/** Starts vault-seal (the last drill of the catalogue) from the Drills screen, as an operator does, and waits until its fault is in. */
export async function startVaultSealDrill(term: TmuxTerminal): Promise<void> {
  term.keys('3');
  await term.waitForText(/Drills: rehearse a failure/);
  term.keys('G');
  await term.waitForText(/^ vault-seal: Vault seal/m);
  term.keys('Enter');
  await term.waitForText(/enter again to start/);
  term.keys('Enter');
  await term.waitForText(/DRILL vault-seal \(vault\) · fault/, 60_000);
}
