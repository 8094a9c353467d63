import type { EventRow, Snapshot } from './types.ts';

/**
 * lab-tui's own observations: what changed between two snapshots, phrased the way an
 * operator says it ("node pi2 went NotReady"). Pure, so every phrasing is unit-tested.
 */
export function observe(prev: Snapshot | undefined, next: Snapshot): EventRow[] {
  if (!prev) return [];
  const at = next.takenAt;
  const out: EventRow[] = [];
  const add = (type: EventRow['type'], object: string, reason: string, message: string) => out.push({ at, origin: 'lab-tui', type, object, reason, message });

  for (const s of next.sources) {
    const before = prev.sources.find((p) => p.id === s.id);
    if (before?.status === s.status) continue;
    if (s.status === 'stale') add('Warning', `source/${s.id}`, 'SourceLost', `${s.id} unreachable: showing last known state (${s.error ?? 'no answer'})`);
    if (s.status === 'live' && before?.status === 'stale') add('Normal', `source/${s.id}`, 'SourceBack', `${s.id} reachable again`);
  }
  for (const n of next.nodes) {
    const before = prev.nodes.find((p) => p.name === n.name);
    if (before && before.ready !== n.ready) add(n.ready === 'Ready' ? 'Normal' : 'Warning', `node/${n.name}`, `Node${n.ready}`, `node ${n.name} went ${n.ready}`);
  }
  for (const v of next.volumes) {
    const before = prev.volumes.find((p) => p.name === v.name);
    if (before && before.robustness !== v.robustness) add(v.robustness === 'healthy' ? 'Normal' : 'Warning', `volume/${v.name}`, `Volume${v.robustness[0]?.toUpperCase()}${v.robustness.slice(1)}`, `volume ${v.name} is ${v.robustness}`);
    if (v.orphans.length > (before?.orphans.length ?? 0)) add('Warning', `volume/${v.name}`, 'OrphanedData', `volume ${v.name} has orphaned replica data (${v.orphans.map((o) => o.dataName).join(', ')}): do not rename, use block-device injection`);
  }
  if (prev.vault && next.vault && prev.vault.sealed !== next.vault.sealed) add(next.vault.sealed ? 'Warning' : 'Normal', 'vault', next.vault.sealed ? 'VaultSealed' : 'VaultUnsealed', next.vault.sealed ? 'Vault sealed' : 'Vault unsealed');
  for (const a of next.apps) {
    const before = prev.apps.find((p) => p.name === a.name);
    if (before && (before.sync !== a.sync || before.health !== a.health)) add(a.health === 'Healthy' && a.sync === 'Synced' ? 'Normal' : 'Warning', `app/${a.name}`, 'AppChanged', `app ${a.name} ${a.sync}/${a.health}`);
  }
  for (const w of next.workloads) {
    const before = prev.workloads.find((p) => p.namespace === w.namespace && p.name === w.name);
    if (w.crashLooping.length && !before?.crashLooping.length) add('Warning', `deployment/${w.name}`, 'CrashLoop', `${w.name} is crash-looping (${w.restarts} restarts)`);
  }
  for (const c of next.components) {
    const before = prev.components.find((p) => p.id === c.id);
    // Leaving "unknown" is the first data arriving, not a change worth an event.
    if (before && before.status !== c.status && before.status !== 'unknown') add(c.status === 'healthy' ? 'Normal' : 'Warning', `component/${c.id}`, 'Health', `${c.id} ${before.status} → ${c.status}: ${c.reason}`);
  }
  return out;
}
