import { initialDashboard, type DashboardState } from './dashboard/state.ts';
import { EMPTY_LIST, type ListState } from './list/list-model.ts';
import type { Prompt } from './shell/prompt.ts';

export type ScreenId = 'dashboard' | 'runbooks' | 'drills' | 'gates' | 'evidence';

export interface ScreenInfo {
  id: ScreenId;
  title: string;
  key: string;
}

export const SCREENS: readonly ScreenInfo[] = [
  { id: 'dashboard', title: 'Dashboard', key: '1' },
  { id: 'runbooks', title: 'Runbooks', key: '2' },
  { id: 'drills', title: 'Drills', key: '3' },
  { id: 'gates', title: 'Gates', key: '4' },
  { id: 'evidence', title: 'Evidence', key: '5' },
];

/** Everything the screens remember between keys; the engine's state is not in here. */
export interface UiState {
  screen: ScreenId;
  help: boolean;
  /** `:` command line being typed, undefined when closed. */
  cmdline?: string;
  /** A line being typed in the hint bar, on whichever screen asked for it. */
  prompt?: Prompt;
  /** The last message for the status line (an unknown `:` name, why a key is disabled). */
  message?: string;
  quitting: boolean;
  /** q during a drill: asked how to leave it (abort, or leave it resumable) before quitting. */
  quitAsked?: boolean;
  /** The operator continued past the doctor screen. */
  doctorDismissed: boolean;
  dashboard: DashboardState;
  runbooks: { list: ListState };
  /** The change selected while reviewing a runbook PR proposal. */
  proposal: { list: ListState };
  /** `confirming`: the drill whose fault the operator is asked to confirm. */
  drills: { list: ListState; confirming?: string };
  gates: { list: ListState; scroll: number };
  /** `open`: the journal whose timeline is shown. */
  evidence: { list: ListState; open?: string; scroll: number };
}

export const initialUi: UiState = {
  screen: 'dashboard',
  help: false,
  quitting: false,
  doctorDismissed: false,
  dashboard: initialDashboard,
  runbooks: { list: EMPTY_LIST },
  proposal: { list: EMPTY_LIST },
  drills: { list: EMPTY_LIST },
  gates: { list: EMPTY_LIST, scroll: 0 },
  evidence: { list: EMPTY_LIST, scroll: 0 },
};
