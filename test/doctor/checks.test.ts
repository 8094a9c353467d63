import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { accessInputs } from '../../src/cli/access-inputs.ts';
import { BUILTIN_GROUPS, CRD_GROUPS } from '../../engine/access/crd-versions.ts';
import { permissionTable } from '../../engine/access/permissions.ts';
import { doctorReport, formatReport, passed, failed } from '../../engine/doctor/check.ts';
import { crdChecks, neededCrds, type Discovery } from '../../engine/doctor/crd-check.ts';
import { evidenceCheck, keyFileCheck, toolsCheck, type KeyFileFacts } from '../../engine/doctor/local-checks.ts';
import { permissionChecks, reviewKey, reviewsFor, tableReviews, type ReviewAnswer, type ReviewAttributes } from '../../engine/doctor/permission-checks.ts';
import { loadCanaryManifest } from '../../engine/gates/canary/canary-manifest.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import { templatePrograms, toolNeeds } from '../../src/cli/doctor-tools.ts';
import { parseConfig } from '../../src/config/load.ts';

const runbooks = fs.readdirSync('manifests/runbooks').filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => loadRunbook(path.resolve('manifests/runbooks', f)));
const table = permissionTable(accessInputs('kube-system', runbooks, loadCanaryManifest()));

/** Every review answered by `allow`. */
const answered = (allow: (a: ReviewAttributes) => boolean) => new Map<string, ReviewAnswer>(tableReviews(table).map((a) => [reviewKey(a), { allowed: allow(a) }]));

describe('doctor: permissions from SelfSubjectAccessReviews', () => {
  it('asks one review per verb, with the subresource and each named object apart', () => {
    const scale = table.find((p) => p.resource === 'deployments/scale')!;
    assert.deepEqual(reviewsFor(scale), [{ verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale', namespace: scale.namespace }]);
    const ds = table.find((p) => p.resource === 'daemonsets')!;
    assert.deepEqual(reviewsFor(ds), [{ verb: 'get', group: 'apps', resource: 'daemonsets', namespace: 'longhorn-system', name: 'longhorn-manager' }]);
    assert.equal(new Set(tableReviews(table).map(reviewKey)).size, tableReviews(table).length, 'no review asked twice');
  });

  it('all granted: one ok line per feature', () => {
    const checks = permissionChecks(table, answered(() => true));
    assert.deepEqual(checks.map((c) => [c.id, c.ok]), ['guard', 'dashboard', 'probes', 'runbooks', 'drills', 'gates'].map((f) => [`permissions.${f}`, true]));
  });

  it('a read-only user: what is missing is named by the feature that needs it, in kubectl’s words', () => {
    // The `view` ClusterRole: get/list/watch, no secrets.
    const checks = permissionChecks(table, answered((a) => ['get', 'list', 'watch'].includes(a.verb) && a.resource !== 'secrets'));
    const by = Object.fromEntries(checks.map((c) => [c.id, c]));
    assert.equal(by['permissions.dashboard']!.ok, true);
    assert.equal(by['permissions.guard']!.ok, true);
    const runbooksLines = by['permissions.runbooks']!.detail.split('\n');
    assert.ok(runbooksLines.includes('runbooks: patch deployments/scale in erp'), runbooksLines.join('\n'));
    assert.ok(runbooksLines.includes('runbooks: patch vaultdynamicsecrets.secrets.hashicorp.com'), runbooksLines.join('\n'));
    assert.ok(by['permissions.drills']!.detail.split('\n').includes('drills: create,patch,delete volumes.longhorn.io in longhorn-system'), by['permissions.drills']!.detail);
    assert.match(by['permissions.probes']!.detail, /^probes: list secrets$/m);
    assert.match(by['permissions.gates']!.detail, /gates: create,delete applications\.argoproj\.io in argocd/);
    assert.doesNotMatch(by['permissions.gates']!.detail, /list nodes/, 'only what is missing is named');
    assert.match(by['permissions.runbooks']!.fix!, /sandbox init/);
  });

  it('a server that cannot answer reviews is one reason, not a list of missing permissions', () => {
    const checks = permissionChecks(table, new Map(tableReviews(table).map((a) => [reviewKey(a), { error: 'HTTP 404' }])));
    assert.ok(checks.every((c) => !c.ok && /could not ask the API server \(SelfSubjectAccessReview\): HTTP 404/.test(c.detail)));
  });
});

describe('doctor: the CRDs lab-tui reads', () => {
  const needed = neededCrds(table);

  it('every API group of the table is Kubernetes’ own or a CRD group with its version', () => {
    assert.deepEqual([...new Set(table.map((p) => p.group))].filter((g) => !BUILTIN_GROUPS.has(g) && !CRD_GROUPS[g]), []);
    const names = needed.map((n) => `${n.group}/${n.version} ${n.resource}`);
    for (const n of ['longhorn.io/v1beta2 volumes', 'longhorn.io/v1beta2 replicas', 'longhorn.io/v1beta2 engines', 'longhorn.io/v1beta2 orphans', 'argoproj.io/v1alpha1 applications', 'secrets.hashicorp.com/v1beta1 vaultdynamicsecrets', 'secrets.hashicorp.com/v1beta1 vaultstaticsecrets', 'secrets.hashicorp.com/v1beta1 vaultauths'])
      assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
  });

  const served = (over: Record<string, Discovery> = {}) =>
    new Map<string, Discovery>([
      ['longhorn.io/v1beta2', { served: ['volumes', 'replicas', 'engines', 'orphans', 'nodes'] }],
      ['argoproj.io/v1alpha1', { served: ['applications', 'appprojects'] }],
      ['secrets.hashicorp.com/v1beta1', { served: ['vaultdynamicsecrets', 'vaultstaticsecrets', 'vaultauths', 'vaultconnections'] }],
      ...Object.entries(over),
    ]);

  it('all served: ok, one line per group/version', () => {
    assert.deepEqual(crdChecks(needed, served()).map((c) => [c.name, c.ok]), [['CRDs longhorn.io/v1beta2', true], ['CRDs argoproj.io/v1alpha1', true], ['CRDs secrets.hashicorp.com/v1beta1', true]]);
  });

  it('a CRD missing is named, with what installs it', () => {
    const lh = crdChecks(needed, served({ 'longhorn.io/v1beta2': { served: ['volumes', 'replicas', 'engines'] } })).find((c) => c.id === 'crds.longhorn.io/v1beta2')!;
    assert.equal(lh.ok, false);
    assert.match(lh.detail, /^not served: orphans /);
    assert.match(lh.fix!, /install Longhorn .* manifests\/parity\.yaml/);
  });

  it('a version not served at all (discovery 404) says so', () => {
    const vso = crdChecks(needed, served({ 'secrets.hashicorp.com/v1beta1': { served: undefined } })).find((c) => c.id === 'crds.secrets.hashicorp.com/v1beta1')!;
    assert.match(vso.detail, /secrets\.hashicorp\.com\/v1beta1 is not served: vaultdynamicsecrets, vaultstaticsecrets, vaultauths missing/);
    assert.match(vso.fix!, /Vault Secrets Operator/);
  });
});

describe('doctor: the key file, the tools, the evidence directory', () => {
  const key = (o: Partial<KeyFileFacts> = {}): KeyFileFacts => ({ file: '/lab/sandbox-keys.json', exists: true, mode: 0o600, real: '/lab/sandbox-keys.json', prodKeyFiles: ['/home/op/.arcodange/cluster-keys.json'], hasRootToken: true, ...o });

  it('a 0600 sandbox key file passes; no Vault, nothing to check', () => {
    assert.equal(keyFileCheck(key()).ok, true);
    assert.match(keyFileCheck(undefined).detail, /no sandbox Vault configured/);
  });

  it('mode 0644: named, with the chmod that fixes it', () => {
    const c = keyFileCheck(key({ mode: 0o644 }));
    assert.equal(c.ok, false);
    assert.match(c.detail, /has mode 0644/);
    assert.equal(c.fix, 'chmod 600 /lab/sandbox-keys.json');
  });

  it('a link to a prod key file is refused, as the guard refuses it', () => {
    const c = keyFileCheck(key({ real: '/home/op/.arcodange/cluster-keys.json' }));
    assert.equal(c.refused, true);
    assert.match(c.detail, /→ \/home\/op\/\.arcodange\/cluster-keys\.json\) is a prod key file/);
  });

  it('missing, or not `vault operator init` output', () => {
    assert.match(keyFileCheck(key({ exists: false })).detail, /does not exist/);
    assert.match(keyFileCheck(key({ hasRootToken: false })).detail, /no root_token/);
  });

  it('a tool missing is named with the feature that runs it', () => {
    const c = toolsCheck([{ tool: 'kubectl', feature: 'runbooks' }, { tool: 'tofu', feature: 'sandbox.gates.tofuPlan' }, { tool: 'ssh', feature: 'sandbox.power.stop' }, { tool: 'ssh', feature: 'sandbox.power.start' }], (t) => (t === 'kubectl' ? '/usr/bin/kubectl' : undefined));
    assert.equal(c.ok, false);
    assert.deepEqual(c.detail.split('\n'), ['tofu not found (needed by sandbox.gates.tofuPlan)', 'ssh not found (needed by sandbox.power.stop, sandbox.power.start)']);
    assert.match(c.fix!, /install tofu, ssh or add where they are to PATH/);
  });

  it('the programs of a template: each simple command’s, past assignments and wrappers', () => {
    assert.deepEqual(templatePrograms('ssh {node} sudo poweroff'), ['ssh']);
    assert.deepEqual(templatePrograms(`'/usr/bin/node' '/opt/lab-tui/bin/lab-tui.js' sim fault node-stop {node}`), ['/usr/bin/node']);
    assert.deepEqual(templatePrograms('ANSIBLE_FORCE_COLOR=0 ansible-playbook -l {node} site.yml && curl -fsS https://x/health'), ['ansible-playbook', 'curl']);
    assert.deepEqual(templatePrograms('sudo -n virsh destroy {node} | tee /tmp/log'), ['virsh', 'tee']);
  });

  it('the tools a configuration needs: each from the feature that runs it', () => {
    const text = [
      'sandbox:',
      '  name: s',
      '  kubernetes: { context: k3d-lab, server: "https://127.0.0.1:6443" }',
      '  power: { stop: "ssh {node} sudo poweroff", start: "wakeonlan {node}" }',
      '  faults: { ca-reinit: "ssh pi1 step ca init --force" }',
      '  gitea: { url: "http://gitea.sandbox:3000" }',
      '  gates: { idempotence: { playbook: site.yml }, tofuPlan: { plan: plan.bin } }',
      'prod: { contexts: [arcodange-prod], servers: ["https://192.168.1.10:6443"] }',
    ].join('\n');
    const needs = toolNeeds(parseConfig(text, '/lab/config.yaml', { HOME: '/home/op' }));
    const by = (tool: string) => needs.filter((n) => n.tool === tool).map((n) => n.feature);
    assert.deepEqual(by('ssh'), ['sandbox.power.stop', 'sandbox.faults.ca-reinit']);
    assert.deepEqual(by('wakeonlan'), ['sandbox.power.start']);
    assert.deepEqual(by('ansible-playbook'), ['sandbox.gates.idempotence']);
    assert.deepEqual(by('tofu'), ['sandbox.gates.tofuPlan (a binary plan)']);
    assert.deepEqual(by('git'), ['drills (argocd-bad-sync pushes with git)']);
    assert.deepEqual(by('kubectl'), ['runbooks (their kubectl steps)']);
  });

  it('the evidence directory', () => {
    assert.equal(evidenceCheck({ dir: '/e' }).ok, true);
    const c = evidenceCheck({ dir: '/e', error: 'EACCES' });
    assert.match(c.detail, /\/e is not writable: EACCES/);
    assert.match(c.fix!, /sandbox\.evidenceDir/);
  });
});

describe('doctor: the report', () => {
  it('one line per check; a failure’s detail and fix under it; a count', () => {
    const r = doctorReport('/c.yaml', [passed('a', 'tools', 'kubectl'), failed('b', 'key file', 'mode 0644\nsecond line', 'chmod 600 k')]);
    assert.equal(r.ok, false);
    const lines = formatReport(r).split('\n');
    assert.equal(lines[0], 'doctor: /c.yaml');
    assert.match(lines[1]!, /^ok {4}tools {5}kubectl$/);
    assert.match(lines[2]!, /^FAIL {2}key file {2}mode 0644$/);
    assert.match(lines[3]!, /^ +second line$/);
    assert.match(lines[4]!, /^ +fix: chmod 600 k$/);
    assert.equal(lines.at(-1), '1 of 2 checks failed');
  });
});
