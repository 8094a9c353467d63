import { Box, Text, useInput, useStdin } from 'ink';
import React, { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import type { Snapshot } from '../../engine/health/types.ts';
import { DashboardScreen } from '../../screens/dashboard/DashboardScreen.tsx';
import { Header } from '../../screens/Header.tsx';
import { HelpOverlay } from '../../screens/HelpOverlay.tsx';
import { HintBar } from '../../screens/HintBar.tsx';
import { PlaceholderScreen } from '../../screens/PlaceholderScreen.tsx';
import { RefusalBanner } from '../../screens/RefusalBanner.tsx';
import { ScreenTabs } from '../../screens/ScreenTabs.tsx';
import { SourceStrip } from '../../screens/SourceStrip.tsx';
import { appReducer, initialApp } from './app-reducer.ts';
import { visibleRowsFor } from './dashboard/dashboard-state.ts';
import { LISTS } from './dashboard/views.ts';
import { bindingsFor, keyNames, type KeyLike } from './keymap.ts';
import type { AppModel } from './model.ts';
import { SCREENS } from './screens.ts';
import { useStore, type Store } from './store.ts';
import { useNow } from './use-now.ts';
import type { DeskState } from '../../engine/runbook/runbook-desk.ts';
import { RunbookPicker } from '../../screens/runbooks/RunbookPicker.tsx';
import { Walkthrough } from '../../screens/runbooks/Walkthrough.tsx';
import { DrillPicker } from '../../screens/drills/DrillPicker.tsx';
import { EvidenceScreen } from '../../screens/evidence/EvidenceScreen.tsx';
import { GatesScreen } from '../../screens/gates/GatesScreen.tsx';
import { DRILL_BINDINGS } from './drills/drill-ui.ts';
import { GATE_BINDINGS } from './gates/gate-keys.ts';
import { canAssist, canPropose } from './runbooks/runbook-ui.ts';
import { PICKER_BINDINGS, PROPOSAL_BINDINGS, walkthroughBindings } from './runbooks/runbook-keys.ts';
import { ProposalReview } from '../../screens/pr/ProposalReview.tsx';
import { useTerminalSize } from './use-terminal-size.ts';

export interface AppProps {
  model: Store<AppModel>;
  /** The single exit point; the caller restores the terminal. */
  onQuit: () => void;
  now?: () => Date;
}

const systemNow = () => new Date();
/** Header, source strip, screen tabs and hint bar. */
const CHROME_LINES = 4;

export function App({ model, onQuit, now = systemNow }: AppProps) {
  const m = useStore(model);
  const snapshot = useStore<Snapshot | undefined>(m.snapshots ?? NO_SNAPSHOT);
  const desk = useStore<DeskState | undefined>(m.runbooks?.state ?? NO_DESK);
  const [state, dispatch] = useReducer(appReducer, initialApp, (s) => (model.get().startScreen ? { ...s, shell: { ...s.shell, screen: model.get().startScreen! } } : s));
  const { rows, columns } = useTerminalSize();
  const { isRawModeSupported } = useStdin();
  const runActive = !!desk?.run && desk.run.phase.kind !== 'finished';
  const tick = useNow(now, !!snapshot?.sources.some((s) => s.status === 'stale') || (runActive && (state.shell.screen === 'runbooks' || state.shell.screen === 'drills')));

  // Rows are derived once per snapshot or dashboard change, not on every clock tick.
  const visible = useMemo(() => visibleRowsFor(state.dashboard, (list) => (snapshot ? LISTS[list].rows(snapshot, state.dashboard.target) : [])), [snapshot, state.dashboard]);
  // The handler must stay stable (ink re-subscribes useInput on every new handler), so it reads the latest rows through a ref.
  const latest = useRef({ visible, blocked: !!m.refusal, desk });
  latest.current = { visible, blocked: !!m.refusal, desk };
  const onKey = useCallback((input: string, key: KeyLike) => {
    for (const name of keyNames(input, key)) dispatch({ type: 'key', name, ...latest.current });
  }, []);
  useInput(onKey, { isActive: isRawModeSupported === true });
  useEffect(() => {
    if (state.shell.quitting) onQuit();
  }, [state.shell.quitting, onQuit]);
  useEffect(() => {
    if (state.outbox) m.runbooks?.send(state.outbox.intent);
  }, [state.outbox, m.runbooks]);

  const { shell } = state;
  const screen = SCREENS.find((s) => s.id === shell.screen)!;
  const drillInHand = shell.screen === 'drills' && !!desk?.drill && !!desk.run;
  const walkingHere = !!desk && (shell.screen === 'runbooks' || drillInHand);
  const own = !desk ? [] : walkingHere && desk.proposal ? PROPOSAL_BINDINGS : walkingHere && desk.run ? walkthroughBindings(desk.run.phase, canAssist(desk), canPropose(desk)) : shell.screen === 'runbooks' ? PICKER_BINDINGS : shell.screen === 'drills' ? DRILL_BINDINGS : shell.screen === 'gates' ? GATE_BINDINGS : [];
  const bindings = bindingsFor(shell.screen, own);
  // The live region stays shorter than the terminal, or Ink flickers and wipes scrollback.
  const height = Math.max(rows - 1, 10);
  const body = height - CHROME_LINES;
  return (
    <Box flexDirection="column" height={height} width={columns}>
      <Header model={m} now={tick} />
      <SourceStrip sources={snapshot?.sources ?? []} now={tick} />
      <ScreenTabs current={shell.screen} />
      {/* No overflow clipping: every pane is cut to its height and width by construction, and Ink's clipping re-slices every line of every frame. */}
      <Box flexDirection="column" height={body}>
        {m.refusal ? (
          <RefusalBanner refusal={m.refusal} />
        ) : m.runbookOnly && !(shell.screen === 'runbooks' || shell.screen === 'drills') ? (
          <Text color="yellow">{` Runbook-only game-day: follow the runbook (2 Runbooks, 3 Drills); the dashboard's health strip is beside the walkthrough.`}</Text>
        ) : shell.help ? (
          <HelpOverlay bindings={bindings} height={body} />
        ) : shell.screen === 'dashboard' && snapshot ? (
          <DashboardScreen snapshot={snapshot} state={state.dashboard} visible={visible} width={columns} height={body} />
        ) : walkingHere && desk?.proposal ? (
          <ProposalReview review={desk.proposal} selected={state.runbooks.change} width={columns} height={body} />
        ) : (shell.screen === 'runbooks' || drillInHand) && desk?.run && desk.section ? (
          <Walkthrough run={desk.run} drill={desk.drill} section={desk.section} snapshot={snapshot} width={columns} height={body} now={tick} />
        ) : shell.screen === 'drills' && desk ? (
          <DrillPicker desk={desk} selected={state.drills.selected} confirming={state.drills.confirming} sandbox={m.identity?.name ?? '?'} width={columns} height={body} />
        ) : shell.screen === 'gates' && desk ? (
          <GatesScreen desk={desk} selected={state.gates.selected} scroll={state.gates.scroll} width={columns} height={body} />
        ) : shell.screen === 'evidence' && desk ? (
          <EvidenceScreen desk={desk} now={tick} width={columns} height={body} />
        ) : shell.screen === 'runbooks' && desk ? (
          <RunbookPicker desk={desk} selected={state.runbooks.selected} width={columns} height={body} />
        ) : (
          <PlaceholderScreen screen={screen} origin={m.origin} />
        )}
      </Box>
      <HintBar bindings={bindings} cmdline={shell.cmdline} message={shell.message ?? (shell.screen === 'runbooks' ? state.runbooks.message : undefined)} prompt={shell.screen === 'runbooks' ? state.runbooks.prompt : undefined} />
    </Box>
  );
}

const NO_SNAPSHOT = { get: () => undefined, subscribe: () => () => {} };
const NO_DESK = NO_SNAPSHOT;
