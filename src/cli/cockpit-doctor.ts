import type { Store } from '../../engine/common/store.ts';
import type { DoctorReport } from '../../engine/doctor/check.ts';
import type { AppModel } from '../../screens/app-model.ts';
import { continueVerdict } from '../../screens/doctor/doctor-view.ts';

/**
 * Runs the doctor into the cockpit's model, now and on each `r`: its screen opens first when a
 * check fails. A doctor that itself fails is a failed line, not a crash of the cockpit.
 */
/** Returns what settles once the latest run has (so release waits for it). */
export function startCockpitDoctor(model: Store<AppModel>, run: () => Promise<DoctorReport>, file: string): () => Promise<void> {
  let current: Promise<void> = Promise.resolve();
  const rerun = () => {
    if (model.get().doctor?.running) return;
    model.set((m) => ({ ...m, doctor: { ...(m.doctor ?? { canContinue: true }), running: true, rerun } }));
    current = run()
      .catch((e: unknown): DoctorReport => ({ schema: 'lab-tui/doctor@1', ok: false, file, checks: [{ id: 'doctor', name: 'doctor', ok: false, detail: (e as Error).message ?? String(e), fix: 'run `lab-tui doctor` in a shell for every check' }] }))
      .then((report) => model.set((m) => ({ ...m, doctor: { report, running: false, canContinue: continueVerdict(report), rerun } })));
  };
  rerun();
  return () => current;
}
