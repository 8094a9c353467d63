import fs from 'node:fs';
import { LocatedErrors } from '../../engine/common/located-error.ts';
import { doctorReport, failed, formatReport, type DoctorReport } from '../../engine/doctor/check.ts';
import { findConfigFile, loadConfigFile } from '../config/load.ts';
import type { Env } from '../config/paths.ts';
import type { CommandContext } from './commands.ts';
import { EXIT } from './exit-codes.ts';
import { json } from './io.ts';
import { resolveTarget } from './target.ts';

const CONFIG_FIX = (file: string) => `edit ${file} (\`lab-tui config check\` lists the same problems)`;

/** The configuration check first: a file that does not load is the one line doctor can show. */
export async function doctorOnFile(file: string, exists: boolean, env: Env): Promise<DoctorReport> {
  if (!exists) return doctorReport(file, [failed('configuration', 'configuration', `no configuration at ${file}`, '`lab-tui sandbox init` writes one for a real sandbox (README#sandbox-init); `lab-tui doctor --sim` checks the embedded lab-sim')]);
  let config;
  try {
    config = loadConfigFile(file, env);
  } catch (e) {
    if (e instanceof LocatedErrors) return doctorReport(file, [failed('configuration', 'configuration', e.message, CONFIG_FIX(file))]);
    throw e;
  }
  const { runDoctor } = await import('./doctor-run.ts');
  return runDoctor(config, env);
}

/** Exit 0 when every check passed, 3 when the guard refused the target, else 1 (README#exit-codes). */
export function doctorExit(r: DoctorReport): number {
  if (r.ok) return EXIT.ok;
  return r.checks.some((c) => !c.ok && c.refused) ? EXIT.refused : EXIT.failed;
}

export async function runDoctorCommand(ctx: CommandContext): Promise<number> {
  let report: DoctorReport;
  if (ctx.global.sim) {
    const target = await resolveTarget(ctx.global, ctx.io.env);
    try {
      const { runDoctor } = await import('./doctor-run.ts');
      report = await runDoctor(target.config, ctx.io.env);
    } finally {
      await target.stop();
    }
  } else {
    const { file } = findConfigFile(ctx.global.config, ctx.io.env);
    report = await doctorOnFile(file, fs.existsSync(file), ctx.io.env);
  }
  ctx.io.stdout(ctx.values.json ? json(report) : formatReport(report));
  return doctorExit(report);
}
