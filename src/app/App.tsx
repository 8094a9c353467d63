import { Box, useInput, useStdin } from 'ink';
import React, { useCallback, useEffect, useReducer } from 'react';
import { Header } from '../../screens/Header.tsx';
import { HelpOverlay } from '../../screens/HelpOverlay.tsx';
import { HintBar } from '../../screens/HintBar.tsx';
import { PlaceholderScreen } from '../../screens/PlaceholderScreen.tsx';
import { RefusalBanner } from '../../screens/RefusalBanner.tsx';
import { ScreenTabs } from '../../screens/ScreenTabs.tsx';
import { GLOBAL_BINDINGS, keyName, type KeyLike } from './keymap.ts';
import type { AppModel } from './model.ts';
import { SCREENS } from './screens.ts';
import { initialShell, shellReducer } from './shell-reducer.ts';
import { useStore, type Store } from './store.ts';
import { useTerminalSize } from './use-terminal-size.ts';

export interface AppProps {
  model: Store<AppModel>;
  /** The single exit point; the caller restores the terminal. */
  onQuit: () => void;
  now?: () => Date;
}

export function App({ model, onQuit, now = () => new Date() }: AppProps) {
  const m = useStore(model);
  const [shell, dispatch] = useReducer(shellReducer, initialShell);
  const { rows, columns } = useTerminalSize();
  const { isRawModeSupported } = useStdin();
  // A stable handler: ink re-subscribes useInput whenever the handler identity changes.
  const onKey = useCallback((input: string, key: KeyLike) => dispatch({ type: 'key', name: keyName(input, key) }), []);
  useInput(onKey, { isActive: isRawModeSupported === true });
  useEffect(() => {
    if (shell.quitting) onQuit();
  }, [shell.quitting, onQuit]);

  const screen = SCREENS.find((s) => s.id === shell.screen)!;
  // The live region stays shorter than the terminal, or Ink flickers and wipes scrollback.
  return (
    <Box flexDirection="column" height={Math.max(rows - 1, 8)} width={columns}>
      <Header model={m} now={now} />
      <ScreenTabs current={shell.screen} />
      <Box flexGrow={1} flexDirection="column">
        {m.refusal ? <RefusalBanner refusal={m.refusal} /> : shell.help ? <HelpOverlay bindings={GLOBAL_BINDINGS} /> : <PlaceholderScreen screen={screen} model={m} />}
      </Box>
      <HintBar bindings={GLOBAL_BINDINGS} cmdline={shell.cmdline} message={shell.message} />
    </Box>
  );
}
