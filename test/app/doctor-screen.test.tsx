import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStore } from '../../engine/common/store.ts';
import { doctorReport, failed, passed, type DoctorReport } from '../../engine/doctor/check.ts';
import type { AppModel } from '../../screens/app-model.ts';
import { continueVerdict } from '../../screens/doctor/doctor-view.ts';
import { startCockpitDoctor } from '../../src/cli/cockpit-doctor.ts';
import { healthyRaw, snapshotOf } from '../helpers/raw-state.ts';
import { renderApp } from '../helpers/render-app.tsx';
import { waitFor } from '../helpers/wait.ts';

const failing = doctorReport('/lab/config.yaml', [
  passed('configuration', 'configuration', '/lab/config.yaml is valid'),
  failed('permissions.runbooks', 'permissions: runbooks', 'runbooks: patch deployments/scale in erp', 'run `lab-tui sandbox init`'),
  failed('tools', 'tools', 'kubectl not found (needed by runbooks)', 'install kubectl'),
]);
const refused = doctorReport('/lab/config.yaml', [failed('key-file', 'key file', '/k.json is a prod key file', 'point sandbox.vault.keyFile at the sandbox key', true)]);
const allOk = doctorReport('/lab/config.yaml', [passed('tools', 'tools', 'kubectl')]);

function doctorModel(report: DoctorReport, rerun: () => void = () => {}): Partial<AppModel> {
  return { doctor: { report, running: false, canContinue: continueVerdict(report), rerun } };
}

describe('the doctor screen in front of the cockpit', () => {
  it('a check failed on start: the failures first, each with its fix, then what passed; not the dashboard', () => {
    const r = renderApp(doctorModel(failing), snapshotOf(healthyRaw()));
    const f = r.frame();
    assert.match(f, /Doctor: 2 of 3 checks failed on start \(\/lab\/config\.yaml\)/);
    assert.match(f, /FAIL {2}permissions: runbooks {2}runbooks: patch deployments\/scale in erp\n\s+fix: run `lab-tui sandbox init`/);
    assert.match(f, /FAIL {2}tools +kubectl not found \(needed by runbooks\)\n\s+fix: install kubectl/);
    assert.ok(f.indexOf('FAIL  tools') < f.indexOf('ok    configuration'), 'failures above the passes');
    assert.doesNotMatch(f, /Nodes/);
    assert.match(f, /r re-run · enter continue to the cockpit anyway · q quit/);
    r.unmount();
  });

  it('enter continues to the cockpit anyway (c does the same)', async () => {
    for (const key of ['\r', 'c']) {
      const r = renderApp(doctorModel(failing), snapshotOf(healthyRaw()));
      await r.press(key);
      await r.until(/Nodes/);
      assert.doesNotMatch(r.frame(), /checks failed on start/);
      r.unmount();
    }
  });

  it('r re-runs the checks; a report that passes closes the screen by itself', async () => {
    let reruns = 0;
    const r = renderApp(doctorModel(failing, () => reruns++), snapshotOf(healthyRaw()));
    r.send('r');
    await waitFor(() => reruns === 1 || undefined, { what: 'r to re-run the doctor' });
    r.store.set((m) => ({ ...m, doctor: { ...m.doctor!, report: allOk, canContinue: true } }));
    await r.until(/Nodes/);
    r.unmount();
  });

  it('the guard refuses: no continuing, and the screen says why; q quits', async () => {
    const r = renderApp(doctorModel(refused), snapshotOf(healthyRaw()));
    assert.match(r.frame(), /cannot continue: the isolation guard refuses this sandbox \(key file\): fix it, then r/);
    await r.press('\r');
    await r.until(/enter: the isolation guard refuses this sandbox/);
    assert.match(r.frame(), /checks failed on start/);
    r.send('q');
    await waitFor(() => r.quits() === 1 || undefined, { what: 'q to quit' });
    r.unmount();
  });

  it('a doctor that throws is a failed line on the screen, not a crash', async () => {
    const model = createStore<AppModel>({ origin: 'test' });
    const settled = startCockpitDoctor(model, async () => { throw new Error('discovery exploded'); }, '/lab/config.yaml');
    assert.equal(model.get().doctor?.running, true);
    await settled();
    const d = model.get().doctor!;
    assert.equal(d.running, false);
    assert.deepEqual(d.report!.checks.map((c) => [c.id, c.ok, c.detail]), [['doctor', false, 'discovery exploded']]);
    assert.equal(d.canContinue, true);
  });
});
