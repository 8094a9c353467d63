import type { GateResult } from '../../engine/gates/gate-result.ts';
import { saveGateResult } from '../../engine/gates/gate-store.ts';
import { parityGate } from '../../engine/gates/parity.ts';
import { loadParityManifest } from '../../engine/gates/parity-manifest.ts';
import type { CommandContext } from './commands.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { json } from './io.ts';
import { formatTable } from './table.ts';
import type { LabConfig } from '../config/types.ts';
import { evidenceDir } from './evidence-dir.ts';
import { withSandbox } from './with-sandbox.ts';
import { gateSources, runCanaryGate, runIdempotenceGate, runTofuPlanGate } from './wiring.ts';

/** Prints the result (table or --json), keeps it with the evidence, and exits 0 only when it passed. */
function report(ctx: CommandContext, config: LabConfig, r: GateResult): number {
  saveGateResult(evidenceDir(ctx, config), r);
  if (ctx.values.json) ctx.io.stdout(json(r));
  else
    ctx.io.stdout(
      [
        `${r.ok ? 'PASS' : 'FAIL'} ${r.gate}: ${r.summary.replace(`${r.gate}: `, '')}`,
        formatTable(['CHECK', 'EXPECTED', 'OBSERVED', ''], r.checks.map((c) => [c.name, c.expected, c.observed, c.ok ? 'ok' : r.gate === 'parity' ? 'DRIFT' : 'FAIL'])),
        ...r.checks.filter((c) => !c.ok && c.detail).map((c) => `--- ${c.name}\n${c.detail}`),
      ].join('\n'),
    );
  return r.ok ? EXIT.ok : EXIT.failed;
}

export const runGateParity = (ctx: CommandContext): Promise<number> =>
  withSandbox(ctx, async (sandbox) => {
    const manifest = loadParityManifest(typeof ctx.values.manifest === 'string' ? ctx.values.manifest : undefined);
    const r = await parityGate(manifest, gateSources(sandbox));
    await sandbox.postgres()?.close();
    return report(ctx, sandbox.config, r);
  });

const flag = (ctx: CommandContext, name: string) => (typeof ctx.values[name] === 'string' ? (ctx.values[name] as string) : undefined);

/** Each flag overrides its own key of `sandbox.gates.idempotence`. */
export const runGateIdempotence = (ctx: CommandContext): Promise<number> =>
  withSandbox(ctx, async (sandbox) => {
    const conf = sandbox.config.sandbox.gates.idempotence;
    const playbook = flag(ctx, 'playbook') ?? conf?.playbook;
    if (!playbook) throw new UsageError(`gate idempotence needs --playbook P or sandbox.gates.idempotence.playbook in ${sandbox.config.file} (and usually --inventory I --limit sandbox)`);
    const r = await runIdempotenceGate(sandbox, { playbook, inventory: flag(ctx, 'inventory') ?? conf?.inventory, limit: flag(ctx, 'limit') ?? conf?.limit });
    return report(ctx, sandbox.config, r);
  });

export const runGateTofuPlan = (ctx: CommandContext): Promise<number> =>
  withSandbox(ctx, async (sandbox) => {
    const file = flag(ctx, 'plan') ?? sandbox.config.sandbox.gates.tofuPlan?.plan;
    if (!file) throw new UsageError(`gate tofu-plan needs --plan PLANFILE or sandbox.gates.tofuPlan.plan in ${sandbox.config.file} (a binary plan, or \`tofu show -json\` output)`);
    return report(ctx, sandbox.config, await runTofuPlanGate(sandbox, file));
  });

export const runGateCanary = (ctx: CommandContext): Promise<number> =>
  withSandbox(ctx, async (sandbox) => {
    const timeout = ctx.values.timeout === undefined ? undefined : Number(ctx.values.timeout);
    if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) throw new UsageError(`--timeout wants whole seconds per link, got ${String(ctx.values.timeout)}`);
    // Ctrl-C stops the chain but not the cleanup: the run still removes what it provisioned.
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    try {
      const r = await runCanaryGate(sandbox, { manifest: typeof ctx.values.manifest === 'string' ? ctx.values.manifest : undefined, timeoutSeconds: timeout, signal: abort.signal });
      return report(ctx, sandbox.config, r);
    } finally {
      process.off('SIGINT', onSignal);
    }
  });
