import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import type { DrillRecord } from '../../engine/drills/drill-record.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestSim } from '../helpers/lab-sim.ts';

/** `evidence status` over a real drill run's journal, as an operator and a PR checklist job read it. */
describe('lab-tui evidence status, over a real vault-seal run', () => {
  let sim: LabSim;
  let evidence: string;
  let configWithStatus: string;
  let statusFile: string;
  let run: DrillRecord;

  before(async () => {
    sim = await startTestSim({ seed: 43 });
    await sim.advance(60_000);
    evidence = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-tui-status-'));
    // The drill runs while lab-sim's manual clock moves on, as time passes in a real sandbox.
    let done = false;
    const cli = runCli(['--config', sim.files.config, 'drill', 'run', 'vault-seal', '--autopilot', '--json', '--evidence-dir', evidence]).finally(() => (done = true));
    while (!done) {
      await new Promise((r) => setTimeout(r, 20));
      await sim.advance(5_000);
    }
    const r = await cli;
    assert.equal(r.code, 0, r.stderr);
    run = JSON.parse(r.stdout) as DrillRecord;
    assert.equal(run.outcome, 'passed', run.reason);

    statusFile = path.join(evidence, 'STATUS.md');
    const config = parse(fs.readFileSync(sim.files.config, 'utf8'));
    config.sandbox.evidence = { statusFile: 'STATUS.md' };
    configWithStatus = path.join(evidence, 'config.yaml');
    fs.writeFileSync(configWithStatus, stringify(config));
  });
  after(async () => {
    await sim.stop();
    fs.rmSync(evidence, { recursive: true, force: true });
  });

  const status = (...argv: string[]) => runCli(['--config', sim.files.config, 'evidence', 'status', '--evidence-dir', evidence, ...argv]);
  const line = (text: string, cls: string) => text.split('\n').find((l) => l.startsWith(`${cls} `) || l.startsWith(`| ${cls} |`)) ?? '';

  it('without --allow-simulated, the vault row says the run was ignored as simulated', async () => {
    const r = await status();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^rehearsal status, cycle since \d{4}-\d\d-01\nCLASS +LAST PASSING REAL DRILL +DATE +TTR +SECTION +MISSING$/m);
    assert.match(line(r.stdout, 'vault'), new RegExp(`^vault +- +- +- +- +no run counts \\(1 ignored\\); newest ${run.runId} \\(\\d{4}-\\d\\d-\\d\\d\\): simulated: the guard identified lab-sim as lab-sim`));
    assert.match(line(r.stdout, 'storage'), /^storage +- +- +- +- +never run \(drill: longhorn-corruption\)$/);
    assert.match(line(r.stdout, 'infra'), /never run \(drills: node-kill, node-kill-server, power-cut\)$/);
    assert.match(line(r.stdout, 'dns'), /^dns +- .*no drill of class dns in the catalogue/);
    assert.doesNotMatch(r.stdout, /warning: counted simulated/);
  });

  it('with --allow-simulated, the vault row shows that run, its time to recover and section digest, and says it is simulated', async () => {
    const r = await status('--allow-simulated');
    assert.equal(r.code, 0, r.stderr);
    const ttr = /(\d+m)?\d+s/;
    assert.match(line(r.stdout, 'vault'), new RegExp(`^vault +vault-seal \\(run ${run.runId}, simulated\\) +${run.startedAt.slice(0, 10)} +${ttr.source} +${run.runbook.sectionDigest!.slice(0, 12)} +-$`));
    assert.match(r.stdout, /^warning: counted simulated evidence \(--allow-simulated\)/m);
    const md = await status('--markdown', '--allow-simulated');
    assert.match(md.stdout, /^<!-- lab-tui:rehearsal-status -->\n### Rehearsal status\n\nCurrent cycle since \d{4}-\d\d-01: /);
    assert.match(md.stdout, /^⚠ counted simulated evidence \(--allow-simulated\)/m);
    assert.match(line(md.stdout, 'vault'), new RegExp(`^\\| vault \\| vault-seal \\(run ${run.runId}, simulated\\) \\| ${run.startedAt.slice(0, 10)} \\| ${ttr.source} \\| \`${run.runbook.sectionDigest!.slice(0, 12)}\` \\| - \\|$`));
    assert.match(md.stdout, /<!-- \/lab-tui:rehearsal-status -->\n$/);
    const json = JSON.parse((await status('--json', '--allow-simulated')).stdout) as { changeClass: string; ok: boolean; lastPass?: { runId: string } }[];
    const vault = json.find((c) => c.changeClass === 'vault');
    assert.deepEqual([json.length, vault?.ok, vault?.lastPass?.runId], [7, true, run.runId]);
  });

  it('--update with no FILE rewrites sandbox.evidence.statusFile: the block only, then "unchanged"', async () => {
    const before = '# PRD: vault upgrade\r\n\r\n<!-- lab-tui:rehearsal-status -->\r\nold\r\n<!-- /lab-tui:rehearsal-status -->\r\n\r\nOwner: ops';
    fs.writeFileSync(statusFile, before);
    const update = () => runCli(['--config', configWithStatus, 'evidence', 'status', '--evidence-dir', evidence, '--update']);
    const first = await update();
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, `${statusFile}: updated the rehearsal-status block\n`);
    const text = fs.readFileSync(statusFile, 'utf8');
    assert.ok(text.startsWith('# PRD: vault upgrade\r\n\r\n<!-- lab-tui:rehearsal-status -->\r\n### Rehearsal status\r\n'), text);
    assert.ok(text.endsWith('\r\n<!-- /lab-tui:rehearsal-status -->\r\n\r\nOwner: ops'), text);
    assert.match(text, /^\| vault \| - .*ignored.*simulated/m);
    const second = await update();
    assert.equal(second.stdout, `${statusFile}: unchanged (the block already says this)\n`);
    assert.equal(fs.readFileSync(statusFile, 'utf8'), text);
    assert.deepEqual(fs.readdirSync(evidence).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
  });

  it('--update FILE: no markers → appended and said; broken markers → refused naming the line, nothing changed; a missing file → exit 2', async () => {
    const other = path.join(evidence, 'OTHER.md');
    fs.writeFileSync(other, '# Other');
    const appended = await status('--update', other);
    assert.equal(appended.code, 0, appended.stderr);
    assert.equal(appended.stdout, `${other}: no rehearsal-status markers: appended the block at the end\n`);
    assert.match(fs.readFileSync(other, 'utf8'), /^# Other\n\n<!-- lab-tui:rehearsal-status -->\n[^]*<!-- \/lab-tui:rehearsal-status -->\n$/);

    const broken = '# Broken\n\n<!-- lab-tui:rehearsal-status -->\n| stale |\n';
    fs.writeFileSync(other, broken);
    const refused = await status('--update', other);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, new RegExp(`^lab-tui: ${other.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3: start marker <!-- lab-tui:rehearsal-status --> without an end marker <!-- /lab-tui:rehearsal-status --> after it; nothing was changed`));
    assert.equal(fs.readFileSync(other, 'utf8'), broken);

    const missing = await status('--update', path.join(evidence, 'NOPE.md'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /evidence status --update: .*NOPE\.md does not exist/);
  });

  it('gate promote --markdown links the status file named by sandbox.evidence.statusFile', async () => {
    const md = await runCli(['--config', configWithStatus, 'gate', 'promote', '--change-class', 'vault', '--markdown', '--evidence-dir', evidence]);
    assert.equal(md.code, 1, md.stderr);
    assert.match(md.stdout, new RegExp(`^- rehearsal status: \\[STATUS\\.md\\]\\(<${path.relative(process.cwd(), statusFile).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}>\\)$`, 'm'));
    const without = await runCli(['--config', sim.files.config, 'gate', 'promote', '--change-class', 'vault', '--markdown', '--evidence-dir', evidence]);
    assert.doesNotMatch(without.stdout, /rehearsal status/);
  });
});
