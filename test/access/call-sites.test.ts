import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { accessInputs } from '../../src/cli/access-inputs.ts';
import { permissionTable, type Verb } from '../../engine/access/permissions.ts';
import { loadCanaryManifest } from '../../engine/gates/canary/canary-manifest.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';

/** Calls made with the operator's own identity, not lab-tui's ServiceAccount: outside the table on purpose. */
const EXEMPT = [
  'engine/adapters/', // the adapter itself: its methods are the call sites below
  'engine/sim/', // the simulator serves these APIs
  'engine/access/', // sandbox init applies with the operator's admin context; doctor's SelfSubjectAccessReviews are every user's (system:basic-user)
];

/** client-node's API methods (`core.listNode`) and the adapter's own; `<T>` type arguments allowed. */
const ADAPTER_CALL = /\.(?:(core|apps|custom)\.((?:list|read|patch|create|delete|replace)[a-zA-Z]*)|(listJson|listCustom|patchCustom|patchDeployment|scaleDeployment|readObject|createObject|deleteObject|replaceObject|informer))(?:<[^>()]*>)?\(/g;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Every `file: method` call of the Kubernetes adapter outside the exempt folders. */
function callSites(): string[] {
  const sites = new Set<string>();
  for (const file of [...sources('engine'), ...sources('src'), ...sources('screens')]) {
    if (EXEMPT.some((e) => file.startsWith(e))) continue;
    for (const m of fs.readFileSync(file, 'utf8').matchAll(ADAPTER_CALL)) sites.add(`${file}: ${m[1] ? `${m[1]}.${m[2]}` : m[3]}`);
  }
  return [...sites].sort();
}

/** The verb a method sends, by the adapter's and client-node's naming. */
function verbOf(method: string): Verb {
  const name = method.replace(/^\w+\./, '');
  if (name === 'informer') return 'watch';
  if (/^read/.test(name)) return 'get';
  if (/^list/.test(name)) return 'list';
  if (/^(patch|scale)/.test(name)) return 'patch';
  if (/^create/.test(name)) return 'create';
  if (/^delete/.test(name)) return 'delete';
  throw new Error(`no verb known for ${method}`);
}

const runbooks = fs.readdirSync('manifests/runbooks').filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => loadRunbook(path.resolve('manifests/runbooks', f)));
const table = permissionTable(accessInputs('kube-system', runbooks, loadCanaryManifest()));

describe('the permission table covers every Kubernetes call lab-tui makes', () => {
  const sites = callSites();

  it('finds the call sites it judges', () => {
    for (const known of ['src/guard/markers.ts: core.readNamespacedConfigMap', 'engine/health/kube-watches.ts: core.listNode', 'engine/runbook/run-action.ts: scaleDeployment', 'engine/gates/canary/cleanup.ts: deleteObject'])
      assert.ok(sites.includes(known), `${known} among ${sites.join(', ')}`);
  });

  it('each call site has a table entry that grants its verb', () => {
    const uncovered = sites.filter((site) => !table.some((p) => p.calls.includes(site) && p.verbs.includes(verbOf(site.split(': ')[1]!))));
    assert.deepEqual(uncovered, [], 'add an entry (or the call to an entry’s calls) in engine/access/permissions.ts');
  });

  it('no entry names a call site that is gone', () => {
    const stale = [...new Set(table.flatMap((p) => p.calls))].filter((c) => !sites.includes(c));
    assert.deepEqual(stale, []);
  });

  it('the runbooks’ Deployment actions get their namespaces (k8s.scale erp: patch deployments/scale in erp)', () => {
    assert.ok(table.some((p) => p.feature === 'runbooks' && p.resource === 'deployments/scale' && p.namespace === 'erp' && p.verbs.includes('patch')));
  });
});
