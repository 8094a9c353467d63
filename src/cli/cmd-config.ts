import fs from 'node:fs';
import { findConfigFile, loadConfigFile } from '../config/load.ts';
import { formatRefusal } from '../guard/refusal.ts';
import { checkConfiguration } from '../guard/sandbox.ts';
import { identifySandbox } from '../guard/static-rules.ts';
import type { CommandContext } from './commands.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { json } from './io.ts';

/**
 * Validates the file, then runs every rule of the guard that needs no sandbox (the static rules,
 * each target resolved against prod, each command template scanned) and lists every refusal.
 */
export async function runConfigCheck(ctx: CommandContext): Promise<number> {
  if (ctx.global.sim) throw new UsageError('config check validates a configuration file; --sim has none');
  const { file, explicit } = findConfigFile(ctx.global.config, ctx.io.env);
  if (!explicit && !fs.existsSync(file)) {
    ctx.io.stdout(ctx.values.json ? json({ file, exists: false }) : `no configuration at ${file}: lab-tui will start the embedded simulated sandbox`);
    return EXIT.ok;
  }
  const config = loadConfigFile(file, ctx.io.env);
  const refused = await checkConfiguration(config, ctx.io.env);
  if (refused.length) {
    if (ctx.values.json) ctx.io.stdout(json({ file, exists: true, valid: true, refused }));
    else ctx.io.stderr([`${file}: ${refused.length} refusal(s) by the isolation guard`, ...refused.map((r) => `\n${r.field ? `${r.field}\n` : ''}${formatRefusal(r)}`)].join('\n'));
    return EXIT.refused;
  }
  const id = identifySandbox(config, ctx.io.env);
  ctx.io.stdout(
    ctx.values.json
      ? json({ file, exists: true, valid: true, refused: [], sandbox: { name: id.name, context: id.kube.context, server: id.kube.server, vault: id.vault?.address } })
      : `${file}: ok — sandbox "${id.name}", context ${id.kube.context} → ${id.kube.server}${id.vault ? `, Vault ${id.vault.address}` : ''}\n(no request sent: the live markers are checked on connect)`,
  );
  return EXIT.ok;
}

export async function runConfigPath(ctx: CommandContext): Promise<number> {
  ctx.io.stdout(findConfigFile(ctx.global.config, ctx.io.env).file);
  return EXIT.ok;
}
