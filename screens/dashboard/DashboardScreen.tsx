import { Box, Text } from 'ink';
import React from 'react';
import type { Snapshot, SourceId } from '../../engine/health/types.ts';
import { selectedIndex } from '../list/list-model.ts';
import { Table } from '../list/Table.tsx';
import { clock } from '../shell/format.ts';
import { focusedList, listOf, type DashboardState, type VisibleRows } from './state.ts';
import { LISTS, VIEW_LISTS, type ListId } from './views.ts';

/** The dashboard watches each list is made from (engine/health/kube-watches.ts): a refused one is named on it. */
const LIST_WATCHES: Partial<Record<ListId, string[]>> = { nodes: ['nodes'], volumes: ['volumes', 'replicas', 'orphans'], volume: ['replicas', 'orphans'], vault: ['dynamicSecrets', 'staticSecrets'], apps: ['apps'], workloads: ['deployments', 'pods'], events: ['events'] };

const LIST_SOURCE: Partial<Record<ListId, SourceId>> = { nodes: 'kubernetes', volumes: 'kubernetes', volume: 'kubernetes', apps: 'kubernetes', workloads: 'kubernetes', vault: 'kubernetes', databases: 'postgres', certificates: 'stepca' };

export interface DashboardProps {
  snapshot: Snapshot;
  state: DashboardState;
  visible: VisibleRows;
  width: number;
  height: number;
}

/**
 * Splits the height between the lists of a view. On the overview, components (few, all
 * important) get their full height, events keep a few lines, nodes take the rest.
 */
function heights(lists: ListId[], visible: VisibleRows, total: number): number[] {
  if (lists.length === 1) return [total];
  const [nodes, components] = lists.map((l) => visible(l).length + 2);
  const remaining = total - components!;
  const events = Math.max(3, Math.min(Math.floor(remaining / 2), 8));
  const nodeLines = Math.max(3, Math.min(nodes!, remaining - events));
  return [nodeLines, components!, Math.max(3, total - nodeLines - components!)];
}

const ORPHAN_WARNING =
  '⚠ orphaned data-bearing replica dir(s): NEVER rename them to the directory of a new replica, reconciliation may rebuild from the empty replica and destroy the data. Recover with block-device injection (recover/longhorn_data.yml).';

/** Lines the volume header takes: its title, and the warning wrapped to the width when orphans exist. */
function volumeHeaderLines(snapshot: Snapshot, target: string | undefined, width: number): number {
  const orphans = snapshot.volumes.find((x) => x.name === target)?.orphans.length ?? 0;
  return 1 + (orphans ? Math.ceil(ORPHAN_WARNING.length / Math.max(20, width)) : 0);
}

/** Memoised: the once-a-second clock tick must not re-render hundreds of rows. */
export const DashboardScreen = React.memo(function DashboardScreen({ snapshot, state, visible, width, height }: DashboardProps) {
  const lists = VIEW_LISTS[state.view];
  const focus = focusedList(state);
  const extra = state.view === 'volume' ? volumeHeaderLines(snapshot, state.target, width) : 0;
  const hasOrphans = extra > 1;
  const hs = heights(lists, visible, height - extra);
  return (
    <Box flexDirection="column" height={height}>
      {state.view === 'volume' ? (
        <Box flexDirection="column" height={extra}>
          <Text bold>{`Volume ${state.target ?? '?'} (${snapshot.volumes.find((v) => v.name === state.target)?.robustness ?? 'gone'})`}</Text>
          {hasOrphans ? (
            <Text color="red" bold>
              {ORPHAN_WARNING}
            </Text>
          ) : null}
        </Box>
      ) : null}
      {lists.map((id, i) => {
        const def = LISTS[id];
        const rows = visible(id);
        const source = LIST_SOURCE[id] && snapshot.sources.find((s) => s.id === LIST_SOURCE[id]);
        const forbidden = snapshot.forbidden?.filter((f) => LIST_WATCHES[id]?.includes(f.watch)).map((f) => f.message);
        return (
          <Table
            key={id}
            title={def.title}
            columns={def.columns}
            rows={rows}
            selected={selectedIndex(listOf(state, id), rows.map((r) => r.id))}
            focused={id === focus}
            height={hs[i]!}
            width={width}
            filter={listOf(state, id).filter}
            stale={source?.status === 'stale' ? clock(source.since) : undefined}
            forbidden={forbidden?.length ? forbidden.join('; ') : undefined}
          />
        );
      })}
    </Box>
  );
});
