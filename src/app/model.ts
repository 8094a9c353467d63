import type { Refusal } from '../guard/refusal.ts';
import type { SandboxIdentity } from '../guard/sandbox.ts';

export type ConnectionState = 'connecting' | 'verified' | 'unreachable' | 'refused';

/** Everything the app shell renders; the engine side owns and updates it. */
export interface AppModel {
  origin: string;
  identity?: SandboxIdentity;
  refusal?: Refusal;
  kubernetes: { state: ConnectionState; detail?: string };
}
