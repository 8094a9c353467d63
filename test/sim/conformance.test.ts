import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { FAULT_KINDS, type FaultKind, type LabSim } from '../../engine/sim/index.ts';
import { crdSchema } from '../helpers/crd-schema.ts';
import { bearerToken, control, refused, startTestSim } from '../helpers/lab-sim.ts';
import { builtinViolations, crdViolations, type OpenApiSchema } from '../helpers/schema-check.ts';
import { servedKinds, servedObjects, type ServedKind } from '../helpers/served-objects.ts';

/** Where each API group's schemas are upstream; core and apps are the Kubernetes type map's. */
const CRD_FILES: Record<string, (plural: string) => string[]> = {
  'longhorn.io': () => ['longhorn', 'crds-v1.7.2.yaml'],
  'argoproj.io': () => ['argo-cd', 'application-crd.yaml'],
  'secrets.hashicorp.com': (plural) => ['vault-secrets-operator', `secrets.hashicorp.com_${plural}.yaml`],
};
const BUILT_IN = new Set(['', 'apps']);
/** Groups lab-sim serves that the reference has no schema for: listed, so nothing is skipped unawares. */
const NO_REFERENCE: Record<string, string> = {
  'networking.k8s.io': "the Kubernetes type map in ../shared/reference has no networking.k8s.io types (Ingress)",
  'rbac.authorization.k8s.io': 'the Kubernetes type map in ../shared/reference has no rbac.authorization.k8s.io types (ClusterRole, Role and their bindings)',
};

function violations(kind: ServedKind, object: Record<string, unknown>): string[] {
  if (NO_REFERENCE[kind.group]) return [];
  if (!BUILT_IN.has(kind.group) && !CRD_FILES[kind.group]) return [`${kind.kind}.${kind.group}: served, but no upstream schema is known for its group`];
  const found = BUILT_IN.has(kind.group) ? builtinViolations(kind.kind, object) : crdViolations(crdSchema(CRD_FILES[kind.group]!(kind.plural), kind.kind, kind.version) as OpenApiSchema, kind.kind, object);
  // A built-in kind's list items carry no apiVersion/kind (the list's say it); a custom resource's do.
  const typeMeta = ['apiVersion', 'kind'].filter((k) => BUILT_IN.has(kind.group) === k in object).map((k) => ({ path: k, problem: BUILT_IN.has(kind.group) ? 'set on a built-in list item' : 'missing on a custom resource list item' }));
  const meta = object.metadata as { namespace?: string; name?: string };
  return [...found, ...typeMeta].map((v) => `${kind.kind} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name} ${v.path}: ${v.problem}`);
}

const LH = '/apis/longhorn.io/v1beta2/namespaces/longhorn-system';

/**
 * lab-sim driven through every fault kind and its recovery, as the drills and runbooks do it
 * (the real protocols where there is one, the control API where lab-tui drives no tool); at each
 * phase every object of every kind discovery lists is held against the upstream schema of its kind.
 */
describe('lab-sim conformance: every served object, through every fault and recovery, against the upstream schemas', () => {
  let sim: LabSim;
  const problems: string[] = [];
  const injected = new Set<FaultKind>();
  const checked: { phase: string; objects: number }[] = [];

  const kube = async (method: string, path: string, body: unknown, contentType = 'application/merge-patch+json') => {
    const res = await fetch(`${sim.urls.kube}${path}`, { method, headers: { authorization: `Bearer ${bearerToken(sim)}`, 'content-type': contentType }, body: JSON.stringify(body) });
    assert.equal(res.status, 200, `${method} ${path}: ${await res.text()}`);
  };
  const scale = (namespace: string, name: string, replicas: number) => kube('PATCH', `/apis/apps/v1/namespaces/${namespace}/deployments/${name}/scale`, { spec: { replicas } });
  const fault = async (kind: FaultKind, target?: string) => {
    await sim.fault(kind, target);
    injected.add(kind);
  };
  const recover = async (path: string, body: object = {}) => {
    const res = await control(sim, `/control/${path}`, body);
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
  };
  const unseal = async () => {
    const key = (JSON.parse(readFileSync(sim.files.keyFile, 'utf8')) as { unseal_keys_b64: string[] }).unseal_keys_b64[0];
    const res = await fetch(`${sim.urls.vault}/v1/sys/unseal`, { method: 'PUT', body: JSON.stringify({ key }) });
    assert.equal(((await res.json()) as { sealed: boolean }).sealed, false);
  };
  const phase = async (name: string) => {
    const objects = await servedObjects(sim, await servedKinds(sim));
    checked.push({ phase: name, objects: objects.length });
    for (const { kind, object } of objects) problems.push(...violations(kind, object).map((v) => `[${name}] ${v}`));
  };

  before(async () => {
    sim = await startTestSim({ seed: 41 });
    await sim.advance(60_000);
    await phase('baseline');

    await fault('node-stop', 'pi3');
    await sim.advance(40_000);
    await phase('node-stop: pi3 NotReady');
    await sim.advance(300_000);
    await phase('node-stop: pods evicted');
    await fault('node-start', 'pi3');
    await sim.advance(150_000);
    await phase('node-start: pi3 back');

    await fault('vault-seal');
    await sim.advance(610_000);
    await phase('vault-seal: leases expired');
    await unseal();
    await kube('PATCH', '/apis/secrets.hashicorp.com/v1beta1/namespaces/erp/vaultdynamicsecrets/erp-db-creds', { metadata: { annotations: { 'lab-tui/reauth': '1' } } });
    await sim.advance(30_000);
    await phase('vault-seal: unsealed, VSO re-authenticated');

    await fault('volume-corrupt', 'pvc-erp-data');
    await sim.advance(5_000);
    await phase('volume-corrupt: data orphaned');
    await scale('erp', 'erp', 0);
    await sim.advance(5_000);
    await recover('longhorn/inject-block-device', { volume: 'pvc-erp-data' });
    await phase('volume-corrupt: block-device injection under way');
    await sim.advance(45_000);
    await scale('erp', 'erp', 1);
    await sim.advance(20_000);
    await phase('volume-corrupt: recovered');

    await fault('db-drop', 'erp');
    await sim.advance(5_000);
    await phase('db-drop: erp dropped');
    await recover('postgres/restore', { database: 'erp' });
    await sim.advance(20_000);
    await phase('db-drop: restored');

    await fault('bad-sync', 'erp');
    await sim.advance(20_000);
    await phase('bad-sync: broken ref synced');
    await recover('gitops/revert', { app: 'erp' });
    await sim.advance(30_000);
    await phase('bad-sync: reverted');

    await fault('ca-reinit');
    await sim.advance(5_000);
    await phase('ca-reinit: new CA');
    await recover('stepca/reissue');
    await sim.advance(5_000);
    await phase('ca-reinit: certificates reissued');

    await fault('power-cut');
    await sim.advance(15 * 60_000);
    assert.ok(await refused(sim.urls.kube), 'the API server is off with its node: nothing is served');
    await fault('power-restore');
    await sim.advance(2 * 60_000);
    await phase('power-restore: nodes back, data orphaned');
    await scale('erp', 'erp', 0);
    await scale('traefik', 'traefik', 0);
    await sim.advance(5_000);
    for (const volume of sim.state().volumes.filter((v) => v.orphans.some((o) => o.hasData)).map((v) => v.name)) await recover('longhorn/inject-block-device', { volume });
    await phase('power-restore: block-device injections under way');
    await sim.advance(45_000);
    await scale('traefik', 'traefik', 1);
    await unseal();
    await sim.advance(60_000);
    await scale('erp', 'erp', 1);
    await sim.advance(45_000);
    await phase('power-restore: recovered');

    // The orphan a rename leaves behind, the other way out of a power cut.
    await fault('volume-corrupt', 'pvc-erp-data');
    await sim.advance(5_000);
    await scale('erp', 'erp', 0);
    await sim.advance(5_000);
    await recover('longhorn/rename-orphan', { volume: 'pvc-erp-data' });
    await sim.advance(10_000);
    await phase('volume-corrupt: orphan renamed');
  });
  after(() => sim.stop());

  it('went through every fault kind lab-sim injects', () => {
    assert.deepEqual(FAULT_KINDS.filter((k) => !injected.has(k)), []);
    assert.ok(checked.every((c) => c.objects > 100), JSON.stringify(checked));
  });

  it('every object of every served kind is valid against its upstream schema at every phase', () => {
    assert.equal(problems.length, 0, `${problems.length} violation(s):\n${problems.join('\n')}`);
  });

  it('the validator sees a violation where there is one (the check cannot pass vacuously)', async () => {
    const res = await fetch(`${sim.urls.kube}${LH}/volumes/pvc-erp-data`, { headers: { authorization: `Bearer ${bearerToken(sim)}` } });
    const volume = (await res.json()) as { spec: Record<string, unknown>; status: Record<string, unknown> };
    const kind = { group: 'longhorn.io', version: 'v1beta2', kind: 'Volume', plural: 'volumes' };
    assert.deepEqual(violations(kind, { ...volume, spec: { ...volume.spec, invented: 1 }, status: { ...volume.status, state: 'broken' } }).map((v) => v.replace(/^\S+ \S+ /, '')), [
      'spec.invented: not a field of the upstream schema (the API server prunes it)',
      'status.state: "broken" is not one of attached, attaching, creating, deleting, detached, detaching',
    ]);
  });
});
