import { useSyncExternalStore } from 'react';
import type { Store } from '../../engine/common/store.ts';

export type { Store } from '../../engine/common/store.ts';

/** Subscribes a component to an engine store; only reads, never writes. */
export function useStore<T>(store: Pick<Store<T>, 'get' | 'subscribe'>): T {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}
