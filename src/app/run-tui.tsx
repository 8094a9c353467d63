import { render } from 'ink';
import React from 'react';
import { App } from './App.tsx';
import type { AppModel } from '../../screens/app-model.ts';
import type { Store } from '../../engine/common/store.ts';

const ALT_SCREEN_ON = '\x1b[?1049h\x1b[H';
const ALT_SCREEN_OFF_SHOW_CURSOR = '\x1b[?25h\x1b[?1049l';

/**
 * Runs the Ink app until the operator quits or a signal arrives. The one exit
 * point: raw mode, cursor and the alternate screen are restored on every path.
 */
export interface RunningTui {
  /** Resolves once the terminal is restored. */
  done: Promise<void>;
  quit(): void;
}

export function startTui(model: Store<AppModel>): RunningTui {
  return startInk((quit) => <App model={model} onQuit={quit} />);
}

/** Any Ink root on the terminal, with the same exit point (the cockpit, `lab-tui watch`). */
export function startInk(root: (quit: () => void) => React.ReactElement): RunningTui {
  const { stdout, stdin } = process;
  const useAltScreen = stdout.isTTY === true;
  if (useAltScreen) stdout.write(ALT_SCREEN_ON);
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
    if (useAltScreen) stdout.write(ALT_SCREEN_OFF_SHOW_CURSOR);
  };
  // Frames are paced upstream (the health service coalesces churn; one terminal read is one
  // dispatch). Ink's own throttle is a trailing debounce: a frame asked for within its window
  // waits a whole window from that request, so at 60 fps a node change right after a churn
  // frame reached the screen up to 17 ms late (bench/dashboard.ts). 1 ms keeps only same-tick
  // requests together.
  const instance = render(root(() => instance.unmount()), { exitOnCtrlC: false, patchConsole: false, maxFps: 1000 });
  const onSignal = () => instance.unmount();
  const onCrash = (e: unknown) => {
    instance.unmount();
    restore();
    process.stderr.write(`lab-tui crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  };
  process.on('SIGTERM', onSignal).on('SIGHUP', onSignal).on('SIGINT', onSignal);
  process.on('uncaughtException', onCrash).on('unhandledRejection', onCrash);
  // Ink rejects waitUntilExit when unmounted with an error; the terminal is restored either way.
  const done = instance
    .waitUntilExit()
    .catch(() => {})
    .then(() => {
      process.off('SIGTERM', onSignal).off('SIGHUP', onSignal).off('SIGINT', onSignal);
      process.off('uncaughtException', onCrash).off('unhandledRejection', onCrash);
      restore();
    });
  return { done, quit: () => instance.unmount() };
}
