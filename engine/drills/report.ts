import type { DrillRecord } from './drill-record.ts';
import { describeIntegrity } from '../runbook/journal-chain.ts';
import { timelineGantt } from './timeline-gantt.ts';
import type { Timeline } from './timeline.ts';

export type ReportLang = 'en' | 'fr';

const TEXT = {
  en: {
    title: (scope: string) => `# Game-day report: ${scope}`,
    generated: (at: string, n: number) => `Generated ${at} from ${n} drill run(s) in the sandbox evidence.`,
    summary: '## Summary',
    head: '| Drill | Class | Runs | Last outcome | Time to recover (last) | Trend |',
    perDrill: '## Drills',
    run: (r: DrillRecord) => `### ${r.drill}: ${r.title}, ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    outcome: 'Outcome',
    reason: 'Reason',
    ttr: 'Time to recover',
    split: (d: string, h: string, a: string, v: string) => `detection ${d}, operator ${h}, engine ${a}, verification ${v}`,
    notMet: 'acceptance not met',
    failed: 'Failed steps',
    skipped: 'Skipped steps',
    improvised: 'Improvised',
    operator: 'Operator',
    autopilot: 'autopilot',
    simulated: 'simulated: lab-sim',
    journal: 'Journal',
    untrusted: 'this run is not evidence',
    pending: '## Runbook changes pending',
    pendingNone: 'None: every drill passed by following the runbook.',
    pendingItem: (r: DrillRecord, what: string) => `- \`${r.runbook.section}\` (${r.drill}, ${r.startedAt.slice(0, 10)}): ${what}`,
    stepFailed: (s: string) => `step ${s} failed`,
    improvisedStep: (t: string) => `improvised: "${t}"`,
    outcomes: { passed: 'passed', 'passed-with-improvisation': 'passed with improvisation', failed: 'failed', interrupted: 'interrupted', running: 'running (no outcome recorded)' },
    none: 'No drill run in this scope.',
    colon: ':',
    classes: (list: string) => `Change-classes rehearsed (passed): ${list || 'none'}.`,
    ttrTrend: '## Time to recover, run by run',
    ttrHead: '| Drill | Run | Started (UTC) | Outcome | Time to recover | vs previous |',
    gantt: { faultSection: 'Fault and detection', stepsSection: 'Runbook steps', endSection: 'Acceptance and cleanup', fault: 'Fault', detection: 'Detection', improvised: 'Improvised', acceptance: 'Acceptance met', cleanup: 'Cleanup', cleanupFailed: 'Cleanup failed' },
  },
  fr: {
    title: (scope: string) => `# Compte rendu de game-day : ${scope}`,
    generated: (at: string, n: number) => `Généré le ${at} à partir de ${n} exécution(s) d'exercice dans les preuves de la sandbox.`,
    summary: '## Synthèse',
    head: '| Exercice | Classe | Exécutions | Dernier résultat | Temps de rétablissement (dernier) | Tendance |',
    perDrill: '## Exercices',
    run: (r: DrillRecord) => `### ${r.drill} : ${r.title}, ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    outcome: 'Résultat',
    reason: 'Raison',
    ttr: 'Temps de rétablissement',
    split: (d: string, h: string, a: string, v: string) => `détection ${d}, opérateur ${h}, moteur ${a}, vérification ${v}`,
    notMet: 'critères d’acceptation non atteints',
    failed: 'Étapes en échec',
    skipped: 'Étapes sautées',
    improvised: 'Improvisé',
    operator: 'Opérateur',
    autopilot: 'pilote automatique',
    simulated: 'simulé : lab-sim',
    journal: 'Journal',
    untrusted: 'cette exécution ne fait pas preuve',
    pending: '## Modifications de runbook en attente',
    pendingNone: 'Aucune : chaque exercice a réussi en suivant le runbook.',
    pendingItem: (r: DrillRecord, what: string) => `- \`${r.runbook.section}\` (${r.drill}, ${r.startedAt.slice(0, 10)}) : ${what}`,
    stepFailed: (s: string) => `étape ${s} en échec`,
    improvisedStep: (t: string) => `improvisé : « ${t} »`,
    outcomes: { passed: 'réussi', 'passed-with-improvisation': 'réussi avec improvisation', failed: 'échoué', interrupted: 'interrompu', running: 'en cours (aucun résultat enregistré)' },
    none: 'Aucun exercice dans ce périmètre.',
    // French typography: a space before the colon.
    colon: ' :',
    classes: (list: string) => `Classes de changement répétées (réussies) : ${list || 'aucune'}.`,
    ttrTrend: '## Temps de rétablissement, exécution par exécution',
    ttrHead: '| Exercice | Exécution | Début (UTC) | Résultat | Temps de rétablissement | Écart avec la précédente |',
    gantt: { faultSection: 'Panne et détection', stepsSection: 'Étapes du runbook', endSection: 'Acceptation et nettoyage', fault: 'Panne', detection: 'Détection', improvised: 'Improvisé', acceptance: 'Acceptation atteinte', cleanup: 'Nettoyage', cleanupFailed: 'Nettoyage en échec' },
  },
} as const;

const BARS = '▁▂▃▄▅▆▇█';

/** `1m05s`, `42s`. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return '–';
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Time to recover over runs, oldest first, as text (`·` for a run that never recovered). */
export function trend(runs: DrillRecord[]): string {
  const values = runs.map((r) => r.timeToRecover?.totalMs);
  const max = Math.max(1, ...values.filter((v): v is number => v !== undefined));
  return values.map((v) => (v === undefined ? '·' : BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1)))])).join('');
}

/** `+12s` / `-2m06s` against the previous run that recovered, `–` when there is none to compare. */
function delta(ms: number | undefined, previous: number | undefined): string {
  if (ms === undefined || previous === undefined) return '–';
  return `${ms >= previous ? '+' : '-'}${duration(Math.abs(ms - previous))}`;
}

/** One row per run, grouped by drill, oldest first: the trend the summary's sparkline draws, in numbers. */
function ttrRows(runs: DrillRecord[], ids: string[], t: (typeof TEXT)[ReportLang]): string[] {
  return ids.flatMap((id) => {
    let previous: number | undefined;
    return runs
      .filter((r) => r.drill === id)
      .map((r) => {
        const total = r.timeToRecover?.totalMs;
        const row = `| ${id} | ${r.runId} | ${r.startedAt.slice(0, 16).replace('T', ' ')} | ${t.outcomes[r.outcome]} | ${duration(total)} | ${delta(total, previous)} |`;
        previous = total ?? previous;
        return row;
      });
  });
}

/**
 * The game-day report in Markdown: summary per drill, each run with its outcome, time to recover
 * and split, failed/skipped/improvised steps, and the runbook changes those call for. The French
 * version is the dated shareout the lab publishes. `timelines` (by run id, from the runs' journals)
 * add each run's Mermaid gantt. Pure: golden-tested.
 */
export function renderReport(records: DrillRecord[], o: { lang: ReportLang; scope: string; generatedAt: string; timelines?: ReadonlyMap<string, Timeline> }): string {
  const t = TEXT[o.lang];
  const runs = [...records].sort((a, b) => (a.startedAt < b.startedAt ? -1 : 1));
  const out = [t.title(o.scope), '', t.generated(o.generatedAt, runs.length), ''];
  if (!runs.length) return [...out, t.none, ''].join('\n');
  const ids = [...new Set(runs.map((r) => r.drill))].sort();
  const passedClasses = [...new Set(runs.filter((r) => r.outcome === 'passed').map((r) => r.changeClass))].sort();
  out.push(t.summary, '', t.classes(passedClasses.join(', ')), '', t.head, '|---|---|---|---|---|---|');
  for (const id of ids) {
    const mine = runs.filter((r) => r.drill === id);
    const last = mine.at(-1)!;
    out.push(`| ${id} | ${last.changeClass} | ${mine.length} | ${t.outcomes[last.outcome]} | ${duration(last.timeToRecover?.totalMs)} | \`${trend(mine)}\` |`);
  }
  out.push('', t.ttrTrend, '', t.ttrHead, '|---|---|---|---|---|---|', ...ttrRows(runs, ids, t));
  out.push('', t.perDrill, '');
  for (const r of runs) {
    const ttr = r.timeToRecover;
    out.push(t.run(r), '');
    out.push(`- ${t.outcome}${t.colon} **${t.outcomes[r.outcome]}**${[r.autopilot ? t.autopilot : '', r.simulated ? t.simulated : ''].filter(Boolean).map((x) => ` (${x})`).join('')}`);
    // A journal that does not verify is flagged where the run is reported, never passed over.
    if (r.integrity.status !== 'valid') out.push(`- ${t.journal}${t.colon} **${describeIntegrity(r.integrity)}**${t.colon} ${t.untrusted}`);
    if (r.reason) out.push(`- ${t.reason}${t.colon} ${r.reason}`);
    out.push(`- ${t.ttr}${t.colon} ${ttr ? `**${duration(ttr.totalMs)}** (${t.split(duration(ttr.detectionMs), duration(ttr.humanMs), duration(ttr.agentMs), duration(ttr.verifyMs))})` : t.notMet}`);
    out.push(`- ${t.operator}${t.colon} ${r.operator}`);
    if (r.failedSteps.length) out.push(`- ${t.failed}${t.colon} ${r.failedSteps.join(', ')}`);
    if (r.skippedSteps.length) out.push(`- ${t.skipped}${t.colon} ${r.skippedSteps.join(', ')}`);
    for (const i of r.improvised) out.push(`- ${t.improvised}${t.colon} ${i}`);
    out.push('');
    const timeline = o.timelines?.get(r.runId);
    if (timeline) out.push(...timelineGantt(timeline, t.gantt), '');
  }
  const pending = runs.flatMap((r) => [...r.failedSteps.map((s) => t.pendingItem(r, t.stepFailed(s))), ...r.improvised.map((i) => t.pendingItem(r, t.improvisedStep(i)))]);
  out.push(t.pending, '', ...(pending.length ? pending : [t.pendingNone]), '');
  return out.join('\n');
}
