import { Box, Text, useInput, useStdin } from 'ink';
import React, { useCallback, useEffect, useRef, useState } from 'react';
import type { Snapshot } from '../../engine/health/types.ts';
import type { DeskState } from '../../engine/cockpit/types.ts';
import type { AppModel } from '../../screens/app-model.ts';
import { DashboardScreen } from '../../screens/dashboard/DashboardScreen.tsx';
import { visibleRows } from '../../screens/dashboard/state.ts';
import { activeBindings, dispatchKeys } from '../../screens/dispatch.ts';
import { DoctorScreen } from '../../screens/doctor/DoctorScreen.tsx';
import { doctorOpen } from '../../screens/doctor/doctor-view.ts';
import { DrillsScreen } from '../../screens/drills/DrillsScreen.tsx';
import { EvidenceScreen } from '../../screens/evidence/EvidenceScreen.tsx';
import { GatesScreen } from '../../screens/gates/GatesScreen.tsx';
import { enabled, type Ctx } from '../../screens/keys/binding.ts';
import { keyNames, type KeyLike } from '../../screens/keys/key-names.ts';
import { ProposalReview } from '../../screens/proposal/ProposalReview.tsx';
import { RunbookPicker } from '../../screens/runbooks/RunbookPicker.tsx';
import { Walkthrough } from '../../screens/runbooks/Walkthrough.tsx';
import { Header } from '../../screens/shell/Header.tsx';
import { HelpOverlay } from '../../screens/shell/HelpOverlay.tsx';
import { HintBar } from '../../screens/shell/HintBar.tsx';
import { quitQuestion } from '../../screens/shell/quit.ts';
import { PlaceholderScreen } from '../../screens/shell/PlaceholderScreen.tsx';
import { RefusalBanner } from '../../screens/shell/RefusalBanner.tsx';
import { ScreenTabs } from '../../screens/shell/ScreenTabs.tsx';
import { SourceStrip } from '../../screens/shell/SourceStrip.tsx';
import { useNow } from '../../screens/shell/use-now.ts';
import { useStore, type Store } from '../../screens/shell/use-store.ts';
import { useTerminalSize } from '../../screens/shell/use-terminal-size.ts';
import { initialUi, SCREENS, type UiState } from '../../screens/ui-state.ts';

export interface AppProps {
  model: Store<AppModel>;
  /** The single exit point; the caller restores the terminal. */
  onQuit: () => void;
  now?: () => Date;
}

const systemNow = () => new Date();
/** Header, source strip, screen tabs and hint bar. */
const CHROME_LINES = 4;
const NO_STORE = { get: () => undefined, subscribe: () => () => {} };

/**
 * The app root: one input handler feeds every key of a terminal read, in order, to the
 * dispatcher (screens/dispatch.ts); the intents it returns go to the engine, in order.
 */
export function App({ model, onQuit, now = systemNow }: AppProps) {
  const m = useStore(model);
  const snapshot = useStore<Snapshot | undefined>(m.snapshots ?? NO_STORE);
  const desk = useStore<DeskState | undefined>(m.runbooks?.state ?? NO_STORE);
  const [ui, setUi] = useState<UiState>(() => ({ ...initialUi, screen: model.get().startScreen ?? initialUi.screen }));
  const { rows, columns } = useTerminalSize();
  const { isRawModeSupported } = useStdin();
  const runActive = !!desk?.run && desk.run.phase.kind !== 'finished';
  const tick = useNow(now, !!snapshot?.sources.some((s) => s.status === 'stale') || (runActive && (ui.screen === 'runbooks' || ui.screen === 'drills' || ui.screen === 'evidence')));

  // Rows are derived once per snapshot or dashboard change, not on every clock tick.
  const visible = visibleRows(snapshot, ui.dashboard);
  const ctx: Ctx = { ui, desk, snapshot, refused: !!m.refusal, runbookOnly: !!m.runbookOnly, doctor: m.doctor, resumable: !!m.resumable };
  // The handler stays stable (Ink re-subscribes useInput on every new handler): it reads the latest context through a ref.
  const latest = useRef({ ctx, send: m.runbooks?.send, rerun: m.doctor?.rerun });
  latest.current = { ctx, send: m.runbooks?.send, rerun: m.doctor?.rerun };
  const onKey = useCallback((input: string, key: KeyLike) => {
    const { ctx: c, send, rerun } = latest.current;
    const out = dispatchKeys(c, keyNames(input, key));
    latest.current.ctx = { ...c, ui: out.ui };
    setUi(out.ui);
    for (const intent of out.intents ?? []) send?.(intent);
    if (out.rerunDoctor) rerun?.();
  }, []);
  useInput(onKey, { isActive: isRawModeSupported === true });
  useEffect(() => {
    if (ui.quitting) onQuit();
  }, [ui.quitting, onQuit]);

  // What works now: the hint bar and the walkthrough's inline keys list exactly these.
  const bindings = activeBindings(ctx).filter((b) => enabled(b, ctx) === true);
  // The live region stays shorter than the terminal, or Ink flickers and wipes scrollback.
  const height = Math.max(rows - 1, 10);
  const body = height - CHROME_LINES;
  const screen = SCREENS.find((s) => s.id === ui.screen)!;
  const drillInHand = ui.screen === 'drills' && !!desk?.drill && !!desk.run;
  const walking = (ui.screen === 'runbooks' || drillInHand) && !!desk?.run && !!desk.section;
  const reviewing = !!desk?.proposal && (ui.screen === 'runbooks' || ui.screen === 'drills' || ui.screen === 'evidence');
  return (
    <Box flexDirection="column" height={height} width={columns}>
      <Header model={m} now={tick} />
      <SourceStrip sources={snapshot?.sources ?? []} now={tick} listing={snapshot?.listing} />
      <ScreenTabs current={ui.screen} />
      {/* No overflow clipping: every pane is cut to its height and width by construction, and Ink's clipping re-slices every line of every frame. */}
      <Box flexDirection="column" height={body}>
        {m.refusal ? (
          <RefusalBanner refusal={m.refusal} />
        ) : m.doctor && doctorOpen(m.doctor, ui.doctorDismissed) ? (
          <DoctorScreen doctor={m.doctor} width={columns} height={body} />
        ) : m.runbookOnly && !(ui.screen === 'runbooks' || ui.screen === 'drills') ? (
          <Text color="yellow">{` Runbook-only game-day: follow the runbook (2 Runbooks, 3 Drills); the dashboard's health strip is beside the walkthrough.`}</Text>
        ) : ui.help ? (
          <HelpOverlay ctx={ctx} height={body} />
        ) : ui.screen === 'dashboard' && snapshot ? (
          <DashboardScreen snapshot={snapshot} state={ui.dashboard} visible={visible} width={columns} height={body} />
        ) : reviewing && desk?.proposal ? (
          <ProposalReview review={desk.proposal} list={ui.proposal.list} width={columns} height={body} />
        ) : walking && desk?.run && desk.section ? (
          <Walkthrough run={desk.run} drill={desk.drill} section={desk.section} snapshot={snapshot} keys={bindings} width={columns} height={body} now={tick} />
        ) : ui.screen === 'drills' && desk ? (
          <DrillsScreen desk={desk} ui={ui.drills} sandbox={m.identity?.name ?? '?'} width={columns} height={body} />
        ) : ui.screen === 'gates' && desk ? (
          <GatesScreen desk={desk} ui={ui.gates} width={columns} height={body} />
        ) : ui.screen === 'evidence' && desk ? (
          <EvidenceScreen desk={desk} ui={ui.evidence} now={tick} width={columns} height={body} />
        ) : ui.screen === 'runbooks' && desk ? (
          <RunbookPicker desk={desk} list={ui.runbooks.list} width={columns} height={body} />
        ) : (
          <PlaceholderScreen screen={screen} origin={m.origin} />
        )}
      </Box>
      <HintBar bindings={bindings} cmdline={ui.cmdline} message={ui.message} prompt={ui.prompt} question={quitQuestion(ui, desk)} />
    </Box>
  );
}
