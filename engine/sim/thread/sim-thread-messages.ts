/** What the embedded lab-sim's thread reports. */
export type FromSimThread = { kind: 'started'; stateDir: string; configFile: string } | { kind: 'stopped' } | { kind: 'failed'; message: string };

/** What it is told. */
export type ToSimThread = { kind: 'stop' };
