import { SIM_RECOVERIES } from '../../engine/sim/recoveries.ts';
import { FAULT_KINDS } from '../../engine/sim/world/faults.ts';
import type { Command } from './commands.ts';

const json = { json: { type: 'boolean' as const } };
const stateDir = { 'state-dir': { type: 'string' as const, short: 'd' } };

export const COMMANDS: Command[] = [
  { path: [], usage: '', summary: 'start the cockpit (the embedded simulated sandbox when no configuration exists)', options: {}, load: async () => (await import('./cmd-tui.ts')).runCockpit },
  { path: ['status'], usage: 'status [--json]', summary: 'print the snapshot the dashboard renders, once (exit 0 when printed)', options: json, load: async () => (await import('./cmd-status.ts')).runStatus },
  {
    path: ['run'],
    usage: 'run RUNBOOK.md [--section ID] [--from STEP] [--paranoid] [--dry-run [--json]]',
    summary: 'walk a runbook procedure in the cockpit (--dry-run: print what would run, run nothing)',
    options: { ...json, section: { type: 'string', short: 's' }, from: { type: 'string' }, paranoid: { type: 'boolean' }, 'dry-run': { type: 'boolean', short: 'n' } },
    load: async () => (await import('./cmd-run.ts')).runRun,
  },
  { path: ['resume'], usage: 'resume [RUN_ID | JOURNAL]', summary: 'continue an interrupted run where it stopped (default: the newest interrupted run)', options: {}, load: async () => (await import('./cmd-run.ts')).runResume },
  { path: ['runbook', 'check'], usage: 'runbook check FILE... [--json]', summary: 'parse runbooks; report every problem, and every command that names prod, with its file and line', options: json, load: async () => (await import('./cmd-run.ts')).runRunbookCheck },
  { path: ['drill', 'list'], usage: 'drill list [--json]', summary: 'the chaos drills: change-class, fault, runbook section, time limit', options: json, load: async () => (await import('./cmd-drill.ts')).runDrillList },
  {
    path: ['drill', 'run'],
    usage: 'drill run ID [--autopilot] [--json] [--change REF] [--override-parity] [--evidence-dir DIR]',
    summary: 'run a drill: steady state, fault, runbook walkthrough, acceptance, time to recover (--autopilot: unattended, lab-sim only)',
    options: { ...json, autopilot: { type: 'boolean' }, change: { type: 'string' }, 'override-parity': { type: 'boolean' }, 'evidence-dir': { type: 'string' } },
    load: async () => (await import('./cmd-drill.ts')).runDrillRun,
  },
  { path: ['gate', 'parity'], usage: 'gate parity [--manifest FILE] [--json] [--evidence-dir DIR]', summary: 'fidelity: the live sandbox against manifests/parity.yaml (versions, nodes, apps, services outside k3s); any drift fails', options: { ...json, manifest: { type: 'string' }, 'evidence-dir': { type: 'string' } }, load: async () => (await import('./cmd-gate.ts')).runGateParity },
  {
    path: ['gate', 'idempotence'],
    usage: 'gate idempotence [--playbook P] [--inventory I] [--limit L] [--json] [--evidence-dir DIR]',
    summary: 'fidelity: ansible-playbook --check --diff must report changed=0 (shows the changed tasks and their diffs); flags default to sandbox.gates.idempotence',
    options: { ...json, playbook: { type: 'string' }, inventory: { type: 'string', short: 'i' }, limit: { type: 'string', short: 'l' }, 'evidence-dir': { type: 'string' } },
    load: async () => (await import('./cmd-gate.ts')).runGateIdempotence,
  },
  {
    path: ['gate', 'canary'],
    usage: 'gate canary [--manifest FILE] [--timeout SECONDS] [--json] [--evidence-dir DIR]',
    summary: 'fidelity: provisions the throwaway app `canary` through Gitea → PostgreSQL → Vault → ArgoCD → VSO → pod, names the first broken link, cleans up',
    options: { ...json, manifest: { type: 'string' }, timeout: { type: 'string' }, 'evidence-dir': { type: 'string' } },
    load: async () => (await import('./cmd-gate.ts')).runGateCanary,
  },
  { path: ['gate', 'tofu-plan'], usage: 'gate tofu-plan [--plan PLANFILE] [--json] [--evidence-dir DIR]', summary: 'fidelity: every change of the plan (--plan, else sandbox.gates.tofuPlan.plan) stays inside the throwaway DNS zone (lists every other one)', options: { ...json, plan: { type: 'string' }, 'evidence-dir': { type: 'string' } }, load: async () => (await import('./cmd-gate.ts')).runGateTofuPlan },
  {
    path: ['gate', 'promote'],
    usage: 'gate promote --change-class C [--change REF] [--markdown | --json] [--evidence-dir DIR]',
    summary: 'exit 0 only if a drill of the class passed in the sandbox in this cycle (after the change, when given)',
    options: { ...json, 'change-class': { type: 'string' }, change: { type: 'string' }, markdown: { type: 'boolean' }, 'evidence-dir': { type: 'string' } },
    load: async () => (await import('./cmd-drill.ts')).runGatePromote,
  },
  { path: ['gameday', 'start'], usage: 'gameday start [--name N] [--runbook-only] [--evidence-dir DIR]', summary: 'open a game-day: drills run until `gameday end` belong to it (--runbook-only: the cockpit shows only the walkthrough and the health strip)', options: { ...json, name: { type: 'string' }, 'runbook-only': { type: 'boolean' }, 'evidence-dir': { type: 'string' } }, load: async () => (await import('./cmd-drill.ts')).runGamedayStart },
  { path: ['gameday', 'end'], usage: 'gameday end [--evidence-dir DIR]', summary: 'close the open game-day', options: { ...json, 'evidence-dir': { type: 'string' } }, load: async () => (await import('./cmd-drill.ts')).runGamedayEnd },
  { path: ['gameday', 'list'], usage: 'gameday list [--json] [--evidence-dir DIR]', summary: 'the game-days on record', options: { ...json, 'evidence-dir': { type: 'string' } }, load: async () => (await import('./cmd-drill.ts')).runGamedayList },
  {
    path: ['report'],
    usage: 'report [--gameday ID | --since DATE] [--lang en|fr] [--out FILE] [--evidence-dir DIR]',
    summary: 'the game-day report in Markdown: outcomes, time to recover and its split, trends, runbook changes pending (fr: the dated shareout)',
    options: { gameday: { type: 'string' }, since: { type: 'string' }, lang: { type: 'string' }, out: { type: 'string' }, 'evidence-dir': { type: 'string' } },
    load: async () => (await import('./cmd-drill.ts')).runReport,
  },
  {
    path: ['pr', 'propose'],
    usage: 'pr propose --run RUN_ID [--dry-run] [--base BRANCH] [--json] [--evidence-dir DIR]',
    summary: "turn a run's improvised and failed steps into a draft runbook PR (offline or without GITEA_TOKEN/GITHUB_TOKEN: a patch next to the run record)",
    options: { ...json, run: { type: 'string' }, 'dry-run': { type: 'boolean', short: 'n' }, base: { type: 'string' }, 'evidence-dir': { type: 'string' } },
    load: async () => (await import('./cmd-pr.ts')).runPrPropose,
  },
  { path: ['config', 'check'], usage: 'config check [--json]', summary: "validate the configuration and run the guard's static rules, without contacting anything", options: json, load: async () => (await import('./cmd-config.ts')).runConfigCheck },
  { path: ['config', 'path'], usage: 'config path', summary: 'print which configuration file lab-tui would read', options: {}, load: async () => (await import('./cmd-config.ts')).runConfigPath },
  {
    path: ['sim', 'serve'],
    usage: 'sim serve [--state-dir D] [--port P] [--speed N] [--manual] [--seed N]',
    summary: 'run lab-sim standalone; writes D/kubeconfig, D/env, D/config.yaml for kubectl and lab-tui --config',
    options: { ...stateDir, port: { type: 'string' }, speed: { type: 'string' }, manual: { type: 'boolean' }, seed: { type: 'string' } },
    load: async () => (await import('./cmd-sim.ts')).runSimServe,
  },
  { path: ['sim', 'fault'], usage: `sim fault <${FAULT_KINDS.join('|')}> [target] --state-dir D`, summary: 'inject a fault into a running `sim serve` through its control API', options: stateDir, load: async () => (await import('./cmd-sim.ts')).runSimFault },
  { path: ['sim', 'advance'], usage: 'sim advance <duration> --state-dir D', summary: 'advance the manual clock of a `sim serve --manual` (e.g. 40s, 5m)', options: stateDir, load: async () => (await import('./cmd-sim.ts')).runSimAdvance },
  { path: ['sim', 'recover'], usage: `sim recover <${Object.keys(SIM_RECOVERIES).join('|')}> [target] --state-dir D`, summary: "run one of lab-sim's recovery tools (what the sandbox's playbooks do), e.g. for runbook actions", options: stateDir, load: async () => (await import('./cmd-sim.ts')).runSimRecover },
  { path: ['sim', 'state'], usage: 'sim state --state-dir D', summary: "print lab-sim's read-only state dump (JSON)", options: stateDir, load: async () => (await import('./cmd-sim.ts')).runSimState },
];
