import fs from 'node:fs';
import path from 'node:path';
import type { KubeAdapter } from '../../engine/adapters/kube.ts';
import { findOnPath } from '../../engine/common/on-path.ts';
import { isRefusal } from '../../engine/common/refusal.ts';
import { within } from '../../engine/common/within.ts';
import { doctorReport, failed, notChecked, passed, type DoctorCheck, type DoctorReport } from '../../engine/doctor/check.ts';
import { crdChecks, neededCrds, type Discovery } from '../../engine/doctor/crd-check.ts';
import { evidenceCheck, keyFileCheck, toolsCheck, type EvidenceFacts, type KeyFileFacts } from '../../engine/doctor/local-checks.ts';
import { permissionChecks, reviewKey, tableReviews, type ReviewAnswer } from '../../engine/doctor/permission-checks.ts';
import { describeError, parityGate } from '../../engine/gates/parity.ts';
import { loadParityManifest } from '../../engine/gates/parity-manifest.ts';
import type { Env } from '../config/paths.ts';
import type { LabConfig } from '../config/types.ts';
import { GuardRefusal } from '../guard/refusal.ts';
import { checkConfiguration, openSandbox, type Sandbox } from '../guard/sandbox.ts';
import { prodKeyFiles, readRootToken } from '../guard/static-rules.ts';
import { realFile } from '../guard/normalize.ts';
import { accessFor } from './access-table.ts';
import { toolNeeds } from './doctor-tools.ts';
import { gateSources } from './wiring.ts';

/** Each source gets this long to answer; a hung one fails its line instead of hanging doctor. */
const SOURCE_TIMEOUT_MS = 10_000;
/** SelfSubjectAccessReviews in flight at once: a hundred of them, without flooding the API server. */
const REVIEWS_IN_FLIGHT = 8;

const timed = <T>(p: Promise<T>) => within(p, SOURCE_TIMEOUT_MS, `no answer within ${SOURCE_TIMEOUT_MS / 1000} s`);

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

function keyFileFacts(config: LabConfig, env: Env): KeyFileFacts | undefined {
  const v = config.sandbox.vault;
  if (!v) return undefined;
  const stat = fs.statSync(v.keyFile, { throwIfNoEntry: false });
  return { file: v.keyFile, exists: !!stat, mode: stat && stat.mode & 0o777, real: stat && realFile(v.keyFile), prodKeyFiles: prodKeyFiles(config, env), hasRootToken: !!readRootToken(v.keyFile) };
}

function evidenceFacts(dir: string): EvidenceFacts {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const probe = path.join(dir, `.doctor-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.unlinkSync(probe);
    return { dir };
  } catch (e) {
    return { dir, error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  }
}

/** What needs no request: the key file, the tools, the evidence directory. */
export function localChecks(config: LabConfig, env: Env): DoctorCheck[] {
  return [keyFileCheck(keyFileFacts(config, env)), toolsCheck(toolNeeds(config), (tool) => findOnPath(tool, env.PATH)), evidenceCheck(evidenceFacts(config.sandbox.evidenceDir))];
}

function guardCheck(config: LabConfig, refusals: Awaited<ReturnType<typeof checkConfiguration>>): DoctorCheck {
  const k = config.sandbox.kubernetes;
  if (!refusals.length) return passed('guard', 'guard static rules', `sandbox "${config.sandbox.name}": context ${k.context} → ${k.server}, none of it on the prod deny-list`);
  return failed('guard', 'guard static rules', refusals.map((r) => `${r.rule}: ${r.target}: ${r.reason}`).join('\n'), [...new Set(refusals.map((r) => r.fix))].join('; '), true);
}

/** A refusal is the guard's verdict on the target; anything else is a source that did not answer. */
function sourceFailure(id: string, name: string, e: unknown, fix: string): DoctorCheck {
  if (e instanceof GuardRefusal) return failed(id, name, `refused: ${e.refusal.reason}`, e.refusal.fix, true);
  return failed(id, name, describeError(e), fix);
}

async function kubeCheck(sandbox: Sandbox): Promise<{ check: DoctorCheck; kube?: KubeAdapter }> {
  const { context, server } = sandbox.identity;
  const m = sandbox.config.sandbox.kubernetes.marker;
  try {
    const kube = await timed(sandbox.kube());
    return { kube, check: passed('source.kubernetes', 'kubernetes', `context ${context} → ${server}, marker ${m.namespace}/${m.name} ${m.key}=${m.value}`) };
  } catch (e) {
    return { check: sourceFailure('source.kubernetes', 'kubernetes', e, `check that the API server answers: kubectl --context ${context} get --raw /readyz`) };
  }
}

async function vaultCheck(sandbox: Sandbox): Promise<DoctorCheck | undefined> {
  const vault = sandbox.vault();
  if (!vault) return undefined;
  try {
    const status = await timed(vault.sealStatus());
    if (status.sealed) return failed('source.vault', 'vault', `${vault.address} answers but is sealed: its marker cannot be read`, 'unseal it (the vault-unseal runbook, or `vault operator unseal` with the sandbox key)');
    await timed(vault.verify());
    const m = sandbox.config.sandbox.vault!.marker;
    return passed('source.vault', 'vault', `${vault.address} ${status.version ?? ''}, marker ${m.mount}/${m.path} ${m.key}=${m.value}`.replace('  ', ' '));
  } catch (e) {
    return sourceFailure('source.vault', 'vault', e, `check that Vault answers at ${vault.address} (sandbox.vault.address)`);
  }
}

async function httpCheck(id: string, name: string, service: { baseUrl: string; getJson<T>(p: string, ms: number): Promise<{ status: number }> } | undefined, probe: string, field: string): Promise<DoctorCheck | undefined> {
  if (!service) return undefined;
  try {
    const r = await timed(service.getJson(probe, SOURCE_TIMEOUT_MS));
    return r.status < 400 ? passed(id, name, `${service.baseUrl}${probe}: HTTP ${r.status}`) : failed(id, name, `${service.baseUrl}${probe}: HTTP ${r.status}`, `check ${field}`);
  } catch (e) {
    return sourceFailure(id, name, e, `check that it answers at ${service.baseUrl} (${field})`);
  }
}

async function postgresCheck(sandbox: Sandbox): Promise<DoctorCheck | undefined> {
  const pg = sandbox.postgres();
  if (!pg) return undefined;
  const where = `${pg.endpoint.host}:${pg.endpoint.port}`;
  try {
    await pg.query('SELECT 1', [], { timeoutMs: SOURCE_TIMEOUT_MS });
    return passed('source.postgres', 'postgres', `${where} answers`);
  } catch (e) {
    return sourceFailure('source.postgres', 'postgres', e, `check that PostgreSQL answers at ${where} and its password (sandbox.postgres.passwordFile or passwordEnv)`);
  }
}

/** The table's reviews, each answered (or why it could not be asked). */
async function accessAnswers(kube: KubeAdapter, table: ReturnType<typeof accessFor>['table']): Promise<Map<string, ReviewAnswer>> {
  const reviews = tableReviews(table);
  const answers = await mapLimited(reviews, REVIEWS_IN_FLIGHT, async (a): Promise<ReviewAnswer> => {
    try {
      return { allowed: await timed(kube.accessReview(a)) };
    } catch (e) {
      if (isRefusal(e)) throw e;
      return { error: describeError(e) };
    }
  });
  return new Map(reviews.map((a, i) => [reviewKey(a), answers[i]!]));
}

async function discovery(kube: KubeAdapter, groupVersions: string[]): Promise<Map<string, Discovery>> {
  const found = await Promise.all(groupVersions.map(async (gv): Promise<Discovery> => {
    try {
      return { served: await timed(kube.servedResources(gv)) };
    } catch (e) {
      if (isRefusal(e)) throw e;
      return { error: describeError(e) };
    }
  }));
  return new Map(groupVersions.map((gv, i) => [gv, found[i]!]));
}

/**
 * `full`: everything `lab-tui doctor` checks. `setup`: what the cockpit checks on start, the
 * set-up only (permissions, CRDs, local files and tools): whether each source answers, and the
 * versions, are on the dashboard's source strip and the Gates screen already, live, and a
 * source still starting must not stand in front of the cockpit.
 */
export type DoctorScope = 'full' | 'setup';

/** What needs the sandbox: each source, the permissions, the CRDs, the versions. */
export async function sandboxChecks(sandbox: Sandbox, scope: DoctorScope = 'full'): Promise<DoctorCheck[]> {
  const setup = scope === 'setup';
  const [kube, others] = await Promise.all([
    kubeCheck(sandbox),
    setup
      ? []
      : Promise.all([
          vaultCheck(sandbox),
          postgresCheck(sandbox),
          httpCheck('source.gitea', 'gitea', sandbox.gitea(), '/api/v1/version', 'sandbox.gitea.url'),
          httpCheck('source.stepca', 'step-ca', sandbox.stepca(), '/health', 'sandbox.stepca.url'),
        ]),
  ]);
  const sources: DoctorCheck[] = [...(setup ? [] : [kube.check]), ...others.flatMap((c) => (c ? [c] : []))];
  const { table } = accessFor(sandbox.config);
  const needed = neededCrds(table);
  if (!kube.kube) {
    if (setup) return [];
    const why = 'kubernetes did not answer';
    return [...sources, ...[...new Set(table.map((p) => p.feature))].map((f) => notChecked(`permissions.${f}`, `permissions: ${f}`, why)), notChecked('crds', 'CRDs', why), notChecked('versions', 'versions', why)];
  }
  const [answers, served, parity] = await Promise.all([
    accessAnswers(kube.kube, table),
    discovery(kube.kube, [...new Set(needed.map((n) => `${n.group}/${n.version}`))]),
    setup
      ? undefined
      : parityGate(loadParityManifest(), gateSources(sandbox)).catch((e: unknown) => {
          if (isRefusal(e)) throw e;
          return { ok: false, summary: `parity: ${describeError(e)}` };
        }),
  ]);
  const versions = !parity ? [] : [parity.ok ? passed('versions', 'versions', parity.summary) : failed('versions', 'versions', parity.summary, '`lab-tui gate parity` shows each drift against manifests/parity.yaml')];
  return [...sources, ...permissionChecks(table, answers), ...crdChecks(needed, served), ...versions];
}

/**
 * Every check on a loaded configuration: the guard's static rules, what needs no request, then
 * (when the guard passed) the sandbox itself. `sandbox`: one already opened (the cockpit's).
 * The cockpit asks for the `setup` scope.
 */
export async function runDoctor(config: LabConfig, env: Env, opened?: Sandbox, scope: DoctorScope = 'full'): Promise<DoctorReport> {
  const configured = passed('configuration', 'configuration', `${config.file} is valid`);
  const refusals = opened ? [] : await checkConfiguration(config, env);
  const head = [configured, guardCheck(config, refusals)];
  const local = localChecks(config, env);
  if (refusals.length) return doctorReport(config.file, [...head, notChecked('sources', 'sources', 'the guard refused the configuration: nothing was contacted'), ...local]);
  const sandbox = opened ?? (await openSandbox(config, env));
  try {
    return doctorReport(config.file, [...head, ...(await sandboxChecks(sandbox, scope)), ...local]);
  } catch (e) {
    // A name that started resolving to prod mid-check: the guard's verdict, as a line.
    if (e instanceof GuardRefusal) return doctorReport(config.file, [...head, sourceFailure('sources', 'sources', e, e.refusal.fix), ...local]);
    throw e;
  } finally {
    if (!opened) await sandbox.postgres()?.close();
  }
}
