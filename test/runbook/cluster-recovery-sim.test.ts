import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { readJournal } from '../../engine/runbook/journal.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import type { RunView } from '../../engine/runbook/run-view.ts';
import { startRun } from '../../engine/runbook/start-run.ts';
import { manifestPath } from '../../engine/common/package-root.ts';
import type { LabSim, SimStateDump } from '../../engine/sim/index.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { engineOn, type EngineHarness } from '../helpers/runbook-run.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Every section of CLUSTER_RECOVERY.md walked by the runbook engine against a fresh lab-sim:
 * the matching fault is injected, the engine walks the section to green (the test answers the
 * [HUMAN] steps as the operator, after doing what they say), and the sandbox's own state proves
 * that it really recovered. Each section gets its own lab-sim, so they are independent.
 */

const RUNBOOK = manifestPath('runbooks/CLUSTER_RECOVERY.md');
/** Sim time added per poll while the engine runs an action or verifies. */
const ADVANCE_MS = 5_000;
/** Real time one section may take to reach green. */
// Generous: on 2 busy cores the full power cut walk takes 12-25 s; the bound only catches a hang.
const WALK_MS = 90_000;

/** Seed 7 places Deployment pods on pi3 (test/sim/node-stop.test.ts relies on it too). */
const SEED = 7;

/** What the operator does for a [HUMAN] step (by step number) before answering `done`. */
type Operator = Partial<Record<number, (sim: LabSim, h: EngineHarness) => void | Promise<void>>>;

function describeView(v: RunView): string {
  return JSON.stringify({ phase: v.phase, notice: v.notice, steps: v.steps.map((s) => `${s.id} ${s.status} ${s.detail ?? ''}`) });
}

/**
 * Walks `section` to the end: [HUMAN] steps get `done` after the operator's action for that step
 * number (if any); while the engine runs or verifies, lab-sim's clock moves ADVANCE_MS per poll.
 * A blocked or failed step ends the walk at once with the view, instead of a timeout.
 */
async function walk(sim: LabSim, h: EngineHarness, section: string, operator: Operator = {}): Promise<{ final: RunView; file: string }> {
  const { run, file } = startRun({ runbook: loadRunbook(RUNBOOK), section, dir: h.runsDir, sandbox: 'lab-sim', pollMs: 20 }, h.deps);
  const answered = new Set<string>();
  let operatorError: unknown;
  try {
    const end = await waitFor(
      async () => {
        const v = run.view.get();
        switch (v.phase.kind) {
          case 'finished':
          case 'blocked':
          case 'failed':
            return v;
          case 'operator': {
            const step = v.steps[v.current]!;
            if (!answered.has(step.id)) {
              answered.add(step.id);
              try {
                await operator[step.number]?.(sim, h);
              } catch (e) {
                operatorError = e;
                return v;
              }
              run.send({ type: 'done' });
            }
            return undefined;
          }
          case 'running':
          case 'verifying':
            await sim.advance(ADVANCE_MS);
            return undefined;
          default:
            return undefined;
        }
      },
      { what: `section ${section} to finish`, timeoutMs: WALK_MS },
    ).catch((e: Error) => {
      throw new Error(`${e.message}; view: ${describeView(run.view.get())}`);
    });
    if (operatorError) throw operatorError;
    assert.equal(end.phase.kind, 'finished', `${section} stopped: ${describeView(end)}`);
    return { final: await run.done, file };
  } finally {
    // A walk that failed must not leave the runner polling a sim that is about to stop.
    if (run.view.get().phase.kind !== 'finished') await run.stop();
  }
}

/** The run passed with every step done, and its journal is complete and readable. */
function assertGreen(final: RunView, file: string, h: EngineHarness): void {
  assert.deepEqual(final.phase, { kind: 'finished', status: 'passed' }, describeView(final));
  assert.deepEqual(
    final.steps.map((s) => `${s.id} ${s.status}`),
    final.steps.map((s) => `${s.id} done`),
  );
  const { records, problems } = readJournal(file);
  assert.deepEqual(problems, []);
  assert.equal(records[0]?.type, 'run-started');
  assert.deepEqual(records.slice(-2).map((r) => r.type), ['run-finished', 'journal-sealed'], 'the run ends with its outcome, then the seal');
  for (const step of final.steps) {
    const mine = records.filter((r) => 'step' in r && r.step === step.id).map((r) => r.type);
    assert.ok(mine.includes('step-started') && mine.includes('step-finished'), `${step.id}: ${mine.join(',')}`);
    if (step.kind === 'AGENT') assert.ok(mine.includes('step-action'), `${step.id}: ${mine.join(',')}`);
  }
  const text = fs.readFileSync(file, 'utf8');
  for (const secret of h.sandbox.secretValues()) assert.ok(!text.includes(secret), 'no secret in the journal');
}

const bad = <T>(rows: T[], good: (r: T) => boolean) => JSON.stringify(rows.filter((r) => !good(r)));

/**
 * VSO's retry back-off cap (manifests/lab.yaml `vsoBackoffMax`). A VaultStaticSecret whose refresh
 * failed while Vault was sealed or down is retried within it: its status carries no error, so no
 * probe (and no runbook step) can wait for that retry; the end state is checked again after it.
 */
const VSO_BACKOFF_MAX_MS = 60_000;

/**
 * The green end state of test/sim/power-cut.test.ts: everything up, intact, fresh, synced and
 * ready. VaultStaticSecrets are only required fresh once VSO's back-off has passed (`settled`).
 */
function assertSandboxGreen(state: SimStateDump, settled = false): void {
  assert.ok(state.nodes.every((n) => n.ready), bad(state.nodes, (n) => n.ready));
  assert.ok(Object.values(state.services).every(Boolean), JSON.stringify(state.services));
  assert.ok(state.volumes.every((v) => v.dataIntact), bad(state.volumes, (v) => v.dataIntact));
  assert.ok(state.postgres.databases.every((d) => d.intact), bad(state.postgres.databases, (d) => d.intact));
  assert.equal(state.vault.sealed, false);
  const vso = state.vso.filter((s) => settled || s.kind === 'VaultDynamicSecret');
  assert.ok(vso.every((s) => s.fresh), bad(vso, (s) => s.fresh));
  assert.ok(state.apps.every((a) => a.sync === 'Synced' && a.health === 'Healthy'), bad(state.apps, (a) => a.sync === 'Synced' && a.health === 'Healthy'));
  assert.ok(state.pods.every((p) => p.ready || p.terminating), bad(state.pods, (p) => p.ready || p.terminating));
  assert.ok(state.workloads.every((w) => w.ready === w.replicas), bad(state.workloads, (w) => w.ready === w.replicas));
  assert.ok(state.stepca.certificates.every((c) => c.chainValid && !c.expired), bad(state.stepca.certificates, (c) => c.chainValid && !c.expired));
}

/**
 * One section against its own lab-sim: `inject` breaks the sandbox, `seen` waits until the
 * dashboard's health service sees the fault (so the walk starts from what an operator would see).
 */
function section(id: string, o: { inject(sim: LabSim): Promise<void>; seen?(h: EngineHarness): boolean; operator?: Operator; check(state: SimStateDump, sim: LabSim): void }) {
  describe(`CLUSTER_RECOVERY.md "${id}" against lab-sim`, () => {
    let sim: LabSim | undefined;
    let h: EngineHarness | undefined;
    before(async () => {
      sim = await startTestSim({ seed: SEED });
      await sim.advance(60_000);
      await o.inject(sim);
      h = await engineOn(sim);
      const seen = o.seen ?? (() => true);
      await waitFor(() => h!.health.snapshots.get().sources.every((s) => s.status !== 'connecting') && seen(h!), { what: `the dashboard sees the fault for ${id}`, timeoutMs: 10_000 });
    });
    after(async () => {
      await h?.stop();
      await sim?.stop();
      if (h) fs.rmSync(h.runsDir, { recursive: true, force: true });
      if (sim) fs.rmSync(sim.stateDir, { recursive: true, force: true });
    });

    it('walks to green and the sandbox really recovered', async () => {
      const { final, file } = await walk(sim!, h!, id, o.operator);
      assertGreen(final, file, h!);
      o.check(sim!.state(), sim!);
      // Still green once VSO's slowest retry has run: nothing the walk left behind regresses.
      await sim!.advance(VSO_BACKOFF_MAX_MS);
      assertSandboxGreen(sim!.state(), true);
    });
  });
}

section('node-loss-reschedule', {
  async inject(sim) {
    await sim.fault('node-stop', 'pi3');
    await sim.advance(6 * 60_000); // past NotReady (40 s) and the eviction (300 s)
    const state = sim.state();
    assert.equal(state.nodes.find((n) => n.name === 'pi3')?.ready, false);
    assert.ok(state.pods.some((p) => p.node === 'pi3' && p.terminating), 'pods on pi3 were evicted');
  },
  seen: (h) => h.health.snapshots.get().nodes.find((n) => n.name === 'pi3')?.ready === 'NotReady',
  operator: {
    // 1. [HUMAN] Bring the stopped node back.
    1: (sim) => sim.fault('node-start', 'pi3'),
  },
  check(state) {
    assertSandboxGreen(state);
    assert.ok(state.volumes.every((v) => v.replicas.every((r) => !r.failed && !r.rebuilding)), 'replicas rebuilt on pi3');
    assert.ok(!state.pods.some((p) => p.terminating), 'the evicted pods are gone');
  },
});

// Also walked, with an improvised step and secret checks, by test/runbook/runner-vault.test.ts.
section('vault-unseal-vso-re-auth', {
  inject: (sim) => sim.fault('vault-seal'),
  seen: (h) => h.health.snapshots.get().vault?.sealed === true,
  check(state) {
    assertSandboxGreen(state);
    const erp = state.vso.find((s) => s.name === 'erp-db-creds');
    assert.ok(erp?.lastSync && Date.parse(erp.lastSync) > Date.parse(state.faults[0]!.at), 'VSO re-issued the ERP credentials after the seal');
  },
});

section('longhorn-restore', {
  async inject(sim) {
    await sim.fault('volume-corrupt', 'pvc-erp-data');
    await sim.advance(5_000);
    const v = sim.state().volumes.find((x) => x.name === 'pvc-erp-data');
    assert.ok(v && !v.dataIntact && !v.dataLost && v.orphans.some((o) => o.hasData), JSON.stringify(v));
  },
  seen: (h) => (h.health.snapshots.get().volumes.find((v) => v.name === 'pvc-erp-data')?.orphans.length ?? 0) > 0,
  check(state) {
    assertSandboxGreen(state);
    const v = state.volumes.find((x) => x.name === 'pvc-erp-data')!;
    assert.equal(v.dataToken, v.expectedDataToken, 'the filestore came back from the orphaned directory, not renamed');
  },
});

section('postgres-restore', {
  inject: (sim) => sim.fault('db-drop', 'erp'),
  seen: (h) => h.health.snapshots.get().databases?.names.includes('erp') === false,
  operator: {
    // 1. [HUMAN] Check that the newest dump in the backup bucket predates the incident.
    1(sim) {
      const state = sim.state();
      const dump = state.postgres.backups.filter((b) => b.database === 'erp').map((b) => Date.parse(b.takenAt)).sort((a, b) => b - a)[0];
      const dropped = state.faults.find((f) => f.kind === 'db-drop');
      assert.ok(dump !== undefined && dropped && dump < Date.parse(dropped.at), JSON.stringify(state.postgres.backups));
    },
  },
  check(state) {
    assertSandboxGreen(state);
    const erp = state.postgres.databases.find((d) => d.name === 'erp');
    assert.deepEqual({ present: erp?.present, intact: erp?.intact }, { present: true, intact: true });
  },
});

section('pki-re-issue', {
  inject: (sim) => sim.fault('ca-reinit'),
  seen: (h) => h.health.snapshots.get().certificates.some((c) => !c.chainValid),
  operator: {
    // 2. [HUMAN] The ERP's certificate validates in a browser that trusts the new root.
    2(sim, h) {
      const { stepca } = sim.state();
      const erp = stepca.certificates.find((c) => c.name === 'erp');
      assert.deepEqual({ chain: erp?.chainValid, issuer: erp?.issuerFingerprint }, { chain: true, issuer: stepca.rootFingerprint });
      assert.deepEqual(h.health.snapshots.get().certificates.filter((c) => c.name === 'erp.sandbox.arcodange.lab' || c.name === 'erp/erp-tls').map((c) => `${c.source} ${c.chainValid}`), ['ingress true', 'secret true']);
    },
  },
  check(state) {
    assertSandboxGreen(state);
    assert.ok(state.stepca.certificates.every((c) => c.issuerFingerprint === state.stepca.rootFingerprint), 'every certificate chains to the new root');
  },
});

section('argocd-rollback', {
  async inject(sim) {
    await sim.fault('bad-sync', 'erp');
    await sim.advance(10_000); // webhook refresh, auto-sync of the broken ref
    assert.notEqual(sim.state().apps.find((a) => a.name === 'erp')?.health, 'Healthy');
  },
  seen: (h) => h.health.snapshots.get().apps.some((a) => a.name === 'erp' && a.health !== 'Healthy'),
  operator: {
    // 1. [HUMAN] Identify the broken Application and the commit that broke it.
    1(sim, h) {
      const erp = h.health.snapshots.get().apps.find((a) => a.name === 'erp');
      assert.ok(erp && (erp.sync !== 'Synced' || erp.health !== 'Healthy'), JSON.stringify(erp));
      assert.match(sim.state().gitea.repos.find((r) => r.fullName === 'arcodange/gitops')?.headMessage ?? '', /break erp/);
    },
  },
  check(state) {
    assertSandboxGreen(state);
    assert.match(state.gitea.repos.find((r) => r.fullName === 'arcodange/gitops')?.headMessage ?? '', /^Revert /);
  },
});

section('full-power-cut-recovery', {
  async inject(sim) {
    await sim.fault('power-cut');
    await sim.advance(15 * 60_000);
  },
  operator: {
    // 1. [HUMAN] Power the three nodes back on.
    1: (sim) => sim.fault('power-restore'),
  },
  check(state) {
    assertSandboxGreen(state);
    assert.ok(state.volumes.every((v) => v.dataToken === v.expectedDataToken && !v.maintenance), JSON.stringify(state.volumes));
    // Injected, never renamed: the orphaned directories are kept (with their data) until checked.
    assert.ok(state.volumes.every((v) => !v.dataLost && v.orphans.length > 0 && v.orphans.every((o) => o.hasData)), JSON.stringify(state.volumes));
  },
});
