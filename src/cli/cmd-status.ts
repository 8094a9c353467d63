import type { Snapshot } from '../../engine/health/types.ts';
import type { GuardRefusal } from '../guard/refusal.ts';
import type { CommandContext } from './commands.ts';
import { EXIT } from './exit-codes.ts';
import { json } from './io.ts';
import { formatTable } from './table.ts';
import { withSandbox } from './with-sandbox.ts';

const SETTLE_TIMEOUT_MS = 8000;

function render(s: Snapshot): string {
  const head = `${s.sandbox.name} (${s.sandbox.simulated ? 'SIMULATED' : 'REAL'}) context ${s.sandbox.context} ${s.sandbox.server}`;
  const sources = s.sources.map((src) => `${src.id}: ${src.status}${src.error ? ` (${src.error})` : ''}`).join('\n');
  const nodes = formatTable(
    ['NODE', 'ROLES', 'READY', 'KUBELET', 'ARCH', 'RUNNING', 'PENDING', 'REPLICAS'],
    s.nodes.map((n) => [n.name, n.roles.join(','), n.ready, `${n.kubelet}${n.kubeletDrift ? ' (drift)' : ''}`, n.arch, String(n.podsRunning), String(n.podsPending), String(n.replicas)]),
  );
  const comps = formatTable(['COMPONENT', 'STATUS', 'REASON'], s.components.map((c) => [c.id, c.status, c.reason]));
  return [head, sources, '', nodes, '', comps].join('\n');
}

/** Every source has answered once (with data or an error): the snapshot is as good as it gets. */
const settled = (s: Snapshot) => s.sources.every((src) => src.status !== 'connecting');

export function runStatus(ctx: CommandContext): Promise<number> {
  // The health sources load while the sandbox is resolved (and the embedded lab-sim starts).
  const wiring = import('./wiring.ts');
  return withSandbox(ctx, async (sandbox) => {
    const { startSandboxHealth } = await wiring;
    let refusal: GuardRefusal | undefined;
    const health = startSandboxHealth(sandbox, (e) => (refusal = e));
    try {
      let unsubscribe = () => {};
      const snap = await new Promise<Snapshot>((resolve) => {
        const check = () => (refusal || settled(health.snapshots.get())) && resolve(health.snapshots.get());
        unsubscribe = health.snapshots.subscribe(check);
        setTimeout(() => resolve(health.snapshots.get()), SETTLE_TIMEOUT_MS).unref();
        check();
      }).finally(() => unsubscribe());
      if (refusal) throw refusal;
      ctx.io.stdout(ctx.values.json ? json(snap) : render(snap));
      return EXIT.ok;
    } finally {
      await health.stop();
    }
  });
}
