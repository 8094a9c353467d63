import { collectOnce } from '../../engine/health/collect-once.ts';
import type { Snapshot } from '../../engine/health/types.ts';
import type { Command } from './commands.ts';
import { EXIT } from './exit-codes.ts';
import { json } from './io.ts';
import { formatTable } from './table.ts';
import { withSandbox } from './with-sandbox.ts';

function render(s: Snapshot): string {
  const head = `${s.sandbox.name} (${s.sandbox.simulated ? 'SIMULATED' : 'REAL'}) context ${s.sandbox.context} ${s.sandbox.server}`;
  const sources = s.sources.map((src) => `${src.id}: ${src.status}${src.error ? ` (${src.error})` : ''}`).join('   ');
  const nodes = formatTable(
    ['NODE', 'ROLES', 'READY', 'KUBELET', 'ARCH', 'RUNNING', 'PENDING'],
    s.nodes.map((n) => [n.name, n.roles.join(','), n.ready, n.kubelet, n.arch, String(n.podsRunning), String(n.podsPending)]),
  );
  const comps = formatTable(['COMPONENT', 'STATUS', 'REASON'], s.components.map((c) => [c.id, c.status, c.reason]));
  return [head, sources, '', nodes, '', comps].join('\n');
}

export const statusCommand: Command = {
  path: ['status'],
  usage: 'status [--json]',
  summary: 'print the sandbox nodes and components once (exit 0 when printed)',
  options: { json: { type: 'boolean' } },
  run: (ctx) =>
    withSandbox(ctx, async (sandbox) => {
      const snap = await collectOnce(sandbox.identity, () => sandbox.kube(), sandbox.vault());
      ctx.io.stdout(ctx.values.json ? json(snap) : render(snap));
      return EXIT.ok;
    }),
};
