import { readdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A benchmark module in bench/: `export const name` and `export async function run()`. */
export interface BenchModule {
  name: string;
  run(): Promise<{ targetsMet: boolean; [metric: string]: unknown }>;
}

const here = dirname(fileURLToPath(import.meta.url));
const HELPERS = new Set(['run.ts', 'stats.ts', 'terminal.ts']);

function machine(): object {
  const cpu = cpus();
  return { cpuModel: cpu[0]?.model ?? 'unknown', cpus: cpu.length, memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10, platform: platform(), release: release(), arch: arch(), node: process.version };
}

const only = process.argv.slice(2);
const modules = readdirSync(here).filter((f) => f.endsWith('.ts') && !HELPERS.has(f) && (only.length === 0 || only.includes(basename(f, '.ts'))));
let failed = false;
for (const file of modules.sort()) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
  process.stdout.write(`bench ${mod.name} ...\n`);
  const started = Date.now();
  const results = await mod.run();
  const report = { name: mod.name, timestamp: new Date().toISOString(), durationMs: Date.now() - started, machine: machine(), results };
  const out = join(here, 'results', `${mod.name}.json`);
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n-> ${out}\n`);
  if (!results.targetsMet) failed = true;
}
process.exitCode = failed ? 1 : 0;
