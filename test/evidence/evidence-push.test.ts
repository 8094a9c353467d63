import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import type { DrillRecord } from '../../engine/drills/drill-record.ts';
import { openJournal } from '../../engine/runbook/journal.ts';
import type { NewRecord } from '../../engine/runbook/run-types.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { runCli } from '../helpers/cli.ts';
import { drillJournal } from '../helpers/drill-journal.ts';
import { git, scratchDir } from '../helpers/git-client.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { startProdStandIn, type ProdStandIn } from '../helpers/prod-standin.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- configs are edited as plain YAML trees */

interface PushJson {
  schema: string;
  remote: string;
  branch: string;
  before?: string;
  after?: string;
  pushed: { runId: string; file: string; commit: string }[];
  alreadyThere: { runId: string }[];
  refused: { runId: string; reason: string }[];
  skipped: { runId: string; journal: string; reason: string }[];
}

/** A file of a commit, as bytes (git show through a shell pipe would do the same). */
function showBytes(gitDir: string, spec: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    execFile('git', ['--git-dir', gitDir, 'show', spec], { encoding: 'buffer', env: { PATH: process.env.PATH ?? '', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
}

/** The evidence branch's commits, oldest first, each with its parents and the files it changed. */
async function history(gitDir: string, branch = 'evidence') {
  const lines = (await git(['--git-dir', gitDir, 'log', '--reverse', '--format=%H %P', branch])).split('\n');
  return Promise.all(
    lines.map(async (line) => {
      const [commit, ...parents] = line.split(' ').filter(Boolean);
      const changes = (await git(['--git-dir', gitDir, 'diff-tree', '--no-commit-id', '--name-status', '-r', '--root', commit!])).split('\n');
      return { commit: commit!, parents, changes };
    }),
  );
}

/** `drill run … --autopilot --json` as CI runs it, with `evidence push` and `gate promote --evidence-repo` reading what it left. */
describe('lab-tui evidence push: finished, verified drill runs shared through git', () => {
  let sim: LabSim;
  let prod: ProdStandIn;
  let work: string;
  let bare: string;
  let configBare: string;
  let base: any;
  let runs: DrillRecord[] = [];
  let firstTip: string;
  const env = () => ({ XDG_CACHE_HOME: path.join(work, 'cache') });
  const runsDir = () => path.join(base.sandbox.evidenceDir, 'runs');

  /** A configuration derived from lab-sim's, written beside it. */
  function configWith(name: string, edit: (c: any) => void): string {
    const c = structuredClone(base);
    edit(c);
    const file = path.join(work, `${name}.yaml`);
    fs.writeFileSync(file, stringify(c));
    return file;
  }

  /** Runs the CLI while lab-sim's manual clock moves on, as time passes in a real sandbox. */
  async function withClock(argv: string[]) {
    let done = false;
    const cli = runCli(argv, env()).finally(() => (done = true));
    while (!done) {
      await new Promise((r) => setTimeout(r, 20));
      await sim.advance(5_000);
    }
    return cli;
  }

  async function drillRun(config: string): Promise<{ record: DrillRecord; stderr: string }> {
    const r = await withClock(['--config', config, 'drill', 'run', 'vault-seal', '--autopilot', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const record = JSON.parse(r.stdout) as DrillRecord;
    assert.equal(record.outcome, 'passed', record.reason);
    return { record, stderr: r.stderr };
  }

  before(async () => {
    sim = await startTestSim({ seed: 61 });
    await sim.advance(60_000);
    prod = await startProdStandIn();
    work = scratchDir('evidence-push-');
    bare = path.join(work, 'evidence.git');
    await git(['init', '--quiet', '--bare', bare]);
    base = parse(fs.readFileSync(sim.files.config, 'utf8'));
    configBare = configWith('bare', (c) => (c.sandbox.evidence = { remote: bare }));
    runs = [(await drillRun(sim.files.config)).record, (await drillRun(sim.files.config)).record];
  });

  after(async () => {
    await prod.close();
    await sim.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('pushes two finished runs as two commits on a new branch, each adding one runs/<id>.jsonl byte for byte; a second push has nothing to push', async () => {
    const r = await runCli(['--config', configBare, 'evidence', 'push', '--json'], env());
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as PushJson;
    assert.deepEqual([out.schema, out.remote, out.branch, out.before], ['lab-tui/evidence-push@1', bare, 'evidence', undefined]);
    // Oldest first: the branch reads in the order the runs happened.
    const ids = runs.map((x) => x.runId).sort();
    assert.deepEqual(out.pushed.map((p) => [p.runId, p.file]), ids.map((id) => [id, `runs/${id}.jsonl`]));
    assert.deepEqual([out.alreadyThere, out.refused, out.skipped], [[], [], []]);

    const commits = await history(bare);
    assert.equal(commits.length, 2);
    assert.deepEqual(commits[0]!.parents, [], 'the first commit of the new branch has no parent');
    assert.deepEqual(commits[1]!.parents, [commits[0]!.commit]);
    for (const [i, c] of commits.entries()) {
      assert.equal(c.commit, out.pushed[i]!.commit);
      assert.deepEqual(c.changes, [`A\truns/${ids[i]}.jsonl`], 'each commit adds its run and changes nothing else');
      const local = runs.find((x) => x.runId === ids[i])!.journal;
      assert.ok((await showBytes(bare, `${c.commit}:runs/${ids[i]}.jsonl`)).equals(fs.readFileSync(local)), 'the pushed journal is the local one, byte for byte');
    }
    firstTip = commits[1]!.commit;

    // The same repository named by a path relative to the configuration file.
    const relative = configWith('relative', (c) => (c.sandbox.evidence = { remote: './evidence.git' }));
    const again = await runCli(['--config', relative, 'evidence', 'push'], env());
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, `nothing to push to ${bare} (branch evidence): 2 run(s) already there\n`);
    assert.equal(await git(['--git-dir', bare, 'rev-parse', 'evidence']), firstTip);
  });

  it('gate promote --evidence-repo judges from a fresh clone of the branch as from the local evidence directory', async () => {
    const judge = async (source: string[], extra: string[] = []) => {
      const r = await runCli(['gate', 'promote', '--change-class', 'vault', '--json', ...extra, ...source], env());
      const v = JSON.parse(r.stdout) as { ok: boolean; reason: string; countedSimulated: boolean; reliedOn: { journal: string }[]; ignored: unknown[] };
      // Where the journal was read from is the one thing that differs.
      return { code: r.code, ok: v.ok, reason: v.reason, countedSimulated: v.countedSimulated, reliedOn: v.reliedOn.map(({ journal: _, ...e }) => e), ignored: v.ignored, stderr: r.stderr };
    };
    const local = await judge(['--evidence-dir', base.sandbox.evidenceDir], ['--allow-simulated']);
    const fromRepo = await judge(['--evidence-repo', bare], ['--allow-simulated']);
    assert.equal(fromRepo.code, 0, fromRepo.stderr);
    assert.deepEqual(fromRepo, local);
    assert.deepEqual(fromRepo.reliedOn.map((e: any) => e.runId).sort(), runs.map((x) => x.runId).sort());
    assert.equal(fromRepo.countedSimulated, true);
    assert.ok(fs.existsSync(path.join(work, 'cache', 'lab-tui', 'evidence-repos')), 'cloned under $XDG_CACHE_HOME/lab-tui');

    // lab-sim runs are simulated: without --allow-simulated the gate fails and lists them as ignored.
    const strict = await runCli(['gate', 'promote', '--change-class', 'vault', '--evidence-repo', bare], env());
    assert.equal(strict.code, 1, strict.stdout + strict.stderr);
    assert.match(strict.stdout, /^FAIL vault: no vault drill counts: 2 run\(s\) ignored/);
    for (const run of runs) assert.match(strict.stdout, new RegExp(`^ignored ${run.runId}: simulated: the guard identified lab-sim as lab-sim`, 'm'));

    const both = await runCli(['gate', 'promote', '--change-class', 'vault', '--evidence-repo', bare, '--evidence-dir', base.sandbox.evidenceDir], env());
    assert.equal(both.code, 2);
    assert.match(both.stderr, /gate promote reads --evidence-dir or --evidence-repo, not both/);

    const none = await runCli(['gate', 'promote', '--change-class', 'vault', '--evidence-repo', bare, '--evidence-branch', 'nope'], env());
    assert.equal(none.code, 1);
    assert.match(none.stderr, new RegExp(`--evidence-repo: ${bare} has no branch "nope": no evidence pushed there yet \\(lab-tui evidence push\\)`));
  });

  it('drill run with sandbox.evidence.autoPush pushes a third run as one more commit; a tampered journal and an unfinished run are skipped, named; history only grows', async () => {
    // A drill still running (no outcome yet), written by the journal writer itself.
    const unfinishedId = '2026-12-01T09-00-00-000Z-vault-unseal';
    const journal = openJournal(path.join(runsDir(), `${unfinishedId}.jsonl`));
    for (const rec of drillJournal({ runId: unfinishedId, drill: 'vault-seal', title: 'Vault sealed', section: 'vault-unseal', start: '2026-12-01T09:00:00.000Z', faultMs: 1000, fault: { kind: 'vault-seal' }, probe: 'vault', steps: [{ title: 'Unseal', kind: 'AGENT', atMs: 2000, ms: 1000 }] }))
      journal.append(rec as unknown as NewRecord);
    journal.close();
    // The first run, already on the branch, edited afterwards: one byte of its second line (still valid JSON).
    const tampered = runs[0]!.journal;
    const original = fs.readFileSync(tampered);
    const lines = original.toString('utf8').split('\n');
    lines[1] = lines[1]!.replace('"vault-seal"', '"vault-seaL"');
    assert.notEqual(lines.join('\n'), original.toString('utf8'));
    fs.writeFileSync(tampered, lines.join('\n'));

    const autoPush = configWith('auto-push', (c) => (c.sandbox.evidence = { remote: bare, autoPush: true }));
    const { record: third, stderr } = await drillRun(autoPush);
    assert.match(stderr, new RegExp(`^lab-tui: evidence: pushed 1 run\\(s\\) to ${bare} \\(branch evidence\\), one commit each$`, 'm'));
    assert.match(stderr, new RegExp(`^lab-tui: evidence: pushed ${third.runId}: runs/${third.runId}\\.jsonl in commit [0-9a-f]{12}$`, 'm'));
    assert.match(stderr, new RegExp(`^lab-tui: evidence: skipped ${runs[0]!.runId} \\(${tampered}\\): invalid journal: line 3: the chain breaks here: line 2 was edited`, 'm'));
    assert.match(stderr, new RegExp(`^lab-tui: evidence: skipped ${unfinishedId} \\(.*\\): unfinished: the run has no outcome yet`, 'm'));

    const commits = await history(bare);
    assert.equal(commits.length, 3);
    assert.equal(commits[1]!.commit, firstTip, 'the earlier commits are untouched');
    assert.deepEqual(commits[2]!.parents, [firstTip]);
    assert.deepEqual(commits[2]!.changes, [`A\truns/${third.runId}.jsonl`]);
    await git(['--git-dir', bare, 'merge-base', '--is-ancestor', firstTip, 'evidence']);
    assert.ok((await showBytes(bare, `evidence:runs/${runs[0]!.runId}.jsonl`)).equals(original), 'the branch keeps the journal as it was pushed');

    const again = await runCli(['--config', configBare, 'evidence', 'push', '--json'], env());
    assert.equal(again.code, 0, again.stderr);
    const out = JSON.parse(again.stdout) as PushJson;
    assert.deepEqual(out.pushed, []);
    assert.deepEqual(out.alreadyThere.map((a) => a.runId).sort(), [runs[1]!.runId, third.runId].sort());
    assert.deepEqual(out.skipped.map((s) => s.runId).sort(), [runs[0]!.runId, unfinishedId].sort());
    runs.push(third);
    fs.writeFileSync(tampered, original);
  });

  it('refuses a run whose file is already on the branch with other bytes, leaves that file as it is, and pushes the others', async () => {
    const other = path.join(work, 'other.git');
    await git(['init', '--quiet', '--bare', other]);
    const seed = path.join(work, 'seed');
    await git(['init', '--quiet', '-b', 'evidence', seed]);
    fs.mkdirSync(path.join(seed, 'runs'));
    fs.writeFileSync(path.join(seed, 'runs', `${runs[0]!.runId}.jsonl`), 'something else\n');
    await git(['add', '.'], { cwd: seed });
    await git(['-c', 'user.name=ci', '-c', 'user.email=ci@example.invalid', 'commit', '--quiet', '-m', 'seed'], { cwd: seed });
    await git(['push', '--quiet', other, 'evidence'], { cwd: seed });
    const seeded = await git(['--git-dir', other, 'rev-parse', 'evidence']);

    const r = await runCli(['--config', configWith('other', (c) => (c.sandbox.evidence = { remote: other })), 'evidence', 'push'], env());
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^refused ${runs[0]!.runId}: runs/${runs[0]!.runId}\\.jsonl is already on branch evidence with other bytes than ${runs[0]!.journal}: the branch is append-only`, 'm'));
    assert.match(r.stdout, /^pushed 2 run\(s\) to /);
    assert.equal((await showBytes(other, `evidence:runs/${runs[0]!.runId}.jsonl`)).toString(), 'something else\n');
    await git(['--git-dir', other, 'merge-base', '--is-ancestor', seeded, 'evidence']);
  });

  it('pushes to the runbooks repository on lab-sim\'s Gitea by default (its token in the environment only), and the gate reads it back from there', async () => {
    const remote = base.sandbox.runbooks.remote as string;
    const token = fs.readFileSync(sim.files.giteaToken, 'utf8').trim();
    const mainBefore = await git(['ls-remote', remote, 'refs/heads/main']);
    const r = await runCli(['--config', sim.files.config, 'evidence', 'push', '--json'], env());
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as PushJson;
    assert.equal(out.remote, remote);
    assert.deepEqual(out.pushed.map((p) => p.runId), runs.map((x) => x.runId).sort());
    for (const text of [r.stdout, r.stderr]) assert.ok(!text.includes(token), 'the Gitea token is never printed');
    assert.equal(await git(['ls-remote', remote, 'refs/heads/main']), mainBefore, 'the runbooks branch is untouched');
    assert.match(await git(['ls-remote', remote, 'refs/heads/evidence']), new RegExp(`^${out.after}\\trefs/heads/evidence$`));

    const gate = await runCli(['gate', 'promote', '--change-class', 'vault', '--evidence-repo', remote, '--allow-simulated', '--json'], env());
    assert.equal(gate.code, 0, gate.stdout + gate.stderr);
    const v = JSON.parse(gate.stdout) as { reliedOn: { runId: string }[]; ignored: unknown[] };
    assert.deepEqual([v.reliedOn.map((e) => e.runId).sort(), v.ignored], [runs.map((x) => x.runId).sort(), []]);

    const again = await runCli(['--config', sim.files.config, 'evidence', 'push'], env());
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^nothing to push to .* \(branch evidence\): 3 run\(s\) already there$/m);
  });

  it('refuses a prod evidence remote before any git request, with the rule and the fix', async () => {
    const prodRemote = `http://127.0.0.2:${prod.httpPort}/arcodange/evidence.git`;
    const listed = configWith('prod-remote', (c) => {
      c.sandbox.evidence = { remote: prodRemote };
      c.prod.gitRemotes.push(prodRemote);
    });
    const onProdServer = configWith('prod-server', (c) => {
      c.sandbox.evidence = { remote: prodRemote };
      c.prod.servers.push(prod.url);
    });
    await prod.reset();
    for (const [config, rule] of [[listed, 'prod.gitRemotes'], [onProdServer, 'prod.address']] as const) {
      const r = await runCli(['--config', config, 'evidence', 'push'], env());
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`^lab-tui refused to contact .*${prodRemote.replace(/[.]/g, '\\.')}`, 'm'));
      assert.match(r.stderr, new RegExp(`^  rule:   ${rule.replace('.', '\\.')}$`, 'm'));
      assert.match(r.stderr, /^ {2}fix: {4}.*sandbox\.evidence\.remote/m);
    }
    assert.deepEqual(await prod.counts(), { http: 0, tcp: 0, requests: [] }, 'nothing reached prod');
  });

  it('a push git cannot make exits 1, says why on stderr, and with --json still prints JSON naming the failure', async () => {
    const missing = path.join(work, 'nowhere.git');
    const config = configWith('push-broken', (c) => (c.sandbox.evidence = { remote: missing }));
    for (const args of [[], ['--json']]) {
      const r = await runCli(['--config', config, 'evidence', 'push', ...args], env());
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`^lab-tui: evidence push to ${missing} \\(branch evidence\\) failed: git ls-remote failed \\(exit 128\\)`, 'm'));
      if (!args.length) assert.equal(r.stdout, '', 'nothing on stdout without --json');
      else assert.match((JSON.parse(r.stdout) as { error: string }).error, /^evidence push to .* failed: git ls-remote failed/);
    }
  });

  it('a failed autoPush is said on stderr and leaves the drill\'s exit code and record as they are', async () => {
    const missing = path.join(work, 'no-such-repository.git');
    const r = await withClock(['--config', configWith('auto-push-broken', (c) => (c.sandbox.evidence = { remote: missing, autoPush: true })), 'drill', 'run', 'vault-seal', '--autopilot', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as DrillRecord).outcome, 'passed');
    assert.match(r.stderr, new RegExp(`^lab-tui: evidence push \\(sandbox\\.evidence\\.autoPush\\) failed: evidence push to ${missing} \\(branch evidence\\) failed: git ls-remote failed \\(exit 128\\): fatal: '${missing}' does not appear to be a git repository .*; the run is recorded locally: lab-tui evidence push publishes it later$`, 'm'));
  });
});
