/** Who lab-tui talks to, as the guard identified it and the header shows it. */
export interface SandboxIdentity {
  name: string;
  context: string;
  server: string;
  vault?: string;
  simulated: boolean;
  /** `real` when child processes get the operator's own home (sandbox.childEnv.home). */
  childHome: 'private' | 'real';
}
