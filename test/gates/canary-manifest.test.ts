import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CANARY_FILE, loadCanaryManifest } from '../../engine/gates/canary/canary-manifest.ts';
import { grantedCapabilities } from '../../engine/gates/canary/vault-link.ts';
import { LocatedErrors } from '../../engine/common/located-error.ts';

function write(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'canary-m-')), 'canary.yaml');
  fs.writeFileSync(file, text);
  return file;
}

const shipped = () => fs.readFileSync(DEFAULT_CANARY_FILE, 'utf8');

test('the shipped convention derives every name from the app name', () => {
  const m = loadCanaryManifest();
  assert.equal(m.app, 'canary');
  assert.deepEqual([m.gitea.repo, m.postgres.database, m.postgres.role, m.vault.policy.name, m.argocd.application, m.argocd.namespace], Array(6).fill('canary'));
  assert.match(m.vault.policy.rules, /path "database\/creds\/canary"/);
  assert.deepEqual(m.deploy.map((o) => `${o.kind}/${o.metadata.name}`), ['ServiceAccount/canary', 'VaultAuth/canary', 'VaultDynamicSecret/canary-db-creds', 'Deployment/canary']);
  assert.ok(!m.deployText.includes('{app}'));
});

test('another throwaway name renames the whole chain', () => {
  const m = loadCanaryManifest(write(shipped().replace('app: canary', 'app: canary-b')));
  assert.equal(m.postgres.database, 'canary-b');
  assert.match(m.vault.databaseRole.creationStatements, /ON DATABASE "canary-b"/);
});

function located(text: string): string[] {
  const file = write(text);
  try {
    loadCanaryManifest(file);
  } catch (e) {
    assert.ok(e instanceof LocatedErrors, String(e));
    assert.equal(e.input, 'manifest');
    return e.errors.map((x) => x.message.replace(file, 'F'));
  }
  assert.fail('expected located errors');
}

test('a real app name is refused: the gate deletes what it provisions', () => {
  assert.deepEqual(located(shipped().replace('app: canary', 'app: erp')), ['F:4: app: expected a throwaway app name starting with "canary", found "erp" (see README#canary-gate)']);
});

test('a broken deploy document names its line in the manifest file', () => {
  const lines = shipped().split('\n');
  const at = lines.findIndex((l) => l.includes('kind: VaultAuth'));
  lines[at] = '  kind: VaultAuth: oops';
  const [error] = located(lines.join('\n'));
  assert.match(error!, new RegExp(`^F:${at + 1}: deploy: YAML syntax`));
});

test('a misspelt field and a missing one are both reported, with lines', () => {
  const errors = located(shipped().replace('  owner: arcodange', '  ownr: arcodange'));
  assert.deepEqual(errors, ['F:6: gitea.ownr: unknown field (expected one of owner, repo, path) (see README#canary-gate)', 'F:6: gitea.owner: missing required field (see README#canary-gate)']);
});

test('policy rules: exact paths, `*` prefixes and `+` segments, capabilities merged', () => {
  const hcl = 'path "database/creds/canary" { capabilities = ["read"] }\npath "database/+/canary" { capabilities = ["list"] }\npath "secret/*" { capabilities = ["read", "update"] }';
  assert.deepEqual(grantedCapabilities(hcl, 'database/creds/canary').sort(), ['list', 'read']);
  assert.deepEqual(grantedCapabilities(hcl, 'database/creds/canry'), []);
  assert.deepEqual(grantedCapabilities(hcl, 'secret/data/x').sort(), ['read', 'update']);
  assert.deepEqual(grantedCapabilities(hcl, 'database/creds/canary/x'), []);
});
