import { LocatedError, LocatedErrors } from '../../engine/common/located-error.ts';
import type { Drill } from '../../engine/drills/drill-types.ts';
import { loadDrill } from '../../engine/drills/load-drill.ts';
import { vetCommand } from '../guard/command-scan.ts';
import type { ProdIdentity } from '../guard/command-scan.ts';
import { resolveProdIdentity } from '../guard/target-rules.ts';
import type { LabConfig } from '../config/types.ts';
import type { CommandContext } from './commands.ts';
import { runbookFor } from './drill-catalog.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { json } from './io.ts';
import { resolveTarget } from './target.ts';

interface Checked {
  file: string;
  drill?: Pick<Drill, 'id' | 'changeClass' | 'fault' | 'runbook'>;
  problems: { line: number; message: string }[];
  /** Fault and undo commands the isolation guard refuses: the drill would be refused before injecting. */
  refused: { line: number; rule: string; reason: string }[];
}

const problemsOf = (e: LocatedErrors, line?: number, prefix = '') => e.errors.map((x) => ({ line: line ?? x.location.line, message: prefix + (line === undefined ? x.detail + (x.hint ? ` (${x.hint})` : '') : x.message) }));

/** One file: its own problems, the runbook section it follows (as the lab maps it), its commands vetted. */
async function checkFile(file: string, config: LabConfig, prod: ProdIdentity): Promise<Checked> {
  let drill: Drill;
  try {
    drill = loadDrill(file);
  } catch (e) {
    if (e instanceof LocatedErrors) return { file, problems: problemsOf(e), refused: [] };
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { file, problems: [{ line: 0, message: 'no such file' }], refused: [] };
    throw e;
  }
  const mapped = config.sandbox.runbooks?.sections?.[drill.id];
  const inLab = mapped ? { ...drill, runbook: { ...drill.runbook, section: mapped } } : drill;
  const result: Checked = { file, drill: { id: drill.id, changeClass: drill.changeClass, fault: drill.fault, runbook: inLab.runbook }, problems: [], refused: [] };
  try {
    runbookFor(config, inLab);
  } catch (e) {
    // The runbook's own problems keep their place in the runbook; a missing file or section is the drill's.
    if (e instanceof LocatedErrors) result.problems.push(...problemsOf(e, drill.runbook.line, `runbook ${drill.runbook.file}: `));
    else if (e instanceof UsageError) result.problems.push({ line: drill.runbook.line, message: e.message });
    else throw e;
  }
  const commands = [drill.fault.kind === 'command' ? drill.fault.target : undefined, ...drill.cleanup.filter((c) => c.kind === 'undo').map((c) => c.target)];
  for (const code of commands.filter((c): c is string => !!c)) result.refused.push(...(await vetCommand(code, prod)).map((f) => ({ line: drill.fault.line, rule: f.rule, reason: f.reason })));
  return result;
}

/**
 * `drill check FILE...`: what `runbook check` is to runbooks. Every file is read and every
 * problem of every file reported with its line (exit 2); a fault command that names prod is
 * refused (exit 3).
 */
export async function runDrillCheck(ctx: CommandContext): Promise<number> {
  if (!ctx.args.length) throw new UsageError('drill check needs one or more drill files (YAML)');
  const target = await resolveTarget(ctx.global, ctx.io.env);
  const results = await (async () => {
    const prod = await resolveProdIdentity(target.config, ctx.io.env);
    return Promise.all(ctx.args.map((f) => checkFile(f, target.config, prod)));
  })().finally(() => target.stop());
  if (ctx.values.json) ctx.io.stdout(json(results));
  else {
    const ok = results
      .filter((r) => !r.problems.length && !r.refused.length)
      .map(({ file, drill: d }) => `${file}: ok, ${d!.id} (${d!.changeClass}): ${d!.fault.kind}${d!.fault.target ? ` ${d!.fault.target}` : ''}, runbook ${d!.runbook.file} § ${d!.runbook.section}`);
    if (ok.length) ctx.io.stdout(ok.join('\n'));
    const bad = results.flatMap((r) => [
      ...r.problems.map((p) => new LocatedError({ file: r.file, line: p.line }, p.message).message),
      ...r.refused.map((x) => new LocatedError({ file: r.file, line: x.line }, `${x.rule}: ${x.reason} (refused by the isolation guard, see README#isolation-guard)`).message),
    ]);
    if (bad.length) ctx.io.stderr(bad.join('\n'));
  }
  return results.some((r) => r.refused.length) ? EXIT.refused : results.some((r) => r.problems.length) ? EXIT.usage : EXIT.ok;
}
