import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { DEFAULT_PARITY_FILE, loadParityManifest, type ParityManifest } from '../../engine/gates/parity-manifest.ts';
import { imageTag, parityGate, type ParitySources } from '../../engine/gates/parity.ts';
import type { GateResult } from '../../engine/gates/gate-result.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { openSandbox, type Sandbox } from '../../src/guard/sandbox.ts';
import { kubectl, refused, startTestSim } from '../helpers/lab-sim.ts';
import { waitFor } from '../helpers/wait.ts';

const env = { PATH: process.env.PATH ?? '', HOME: os.homedir() };
const NOW = new Date('2026-06-23T08:00:00.000Z');

/** The guarded adapters, as `lab-tui gate parity` wires them. */
function sourcesOf(sandbox: Sandbox): ParitySources {
  return { kube: () => sandbox.kube(), vault: () => sandbox.vault(), postgres: () => sandbox.postgres(), gitea: () => sandbox.gitea() };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-gate-'));

/** A copy of the shipped parity.yaml with `edit` applied, loaded the way the CLI loads it. */
function manifestWith(name: string, edit: (raw: any) => void): ParityManifest {
  const raw = parse(fs.readFileSync(DEFAULT_PARITY_FILE, 'utf8'));
  edit(raw);
  const file = path.join(tmp, `${name}.yaml`);
  fs.writeFileSync(file, stringify(raw));
  return loadParityManifest(file);
}

const check = (r: GateResult, name: string) => {
  const c = r.checks.find((x) => x.name === name);
  assert.ok(c, `check "${name}" in ${r.checks.map((x) => x.name).join(', ')}`);
  return c;
};
const failing = (r: GateResult) => r.checks.filter((c) => !c.ok).map((c) => c.name);

describe('imageTag', () => {
  it('takes the tag, not the registry port or the digest', () => {
    assert.equal(imageTag('registry:5000/longhornio/longhorn-manager:v1.7.2@sha256:0f4e5c9b1a7d3e2f6a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f'), 'v1.7.2');
    assert.equal(imageTag('longhornio/longhorn-manager:v1.7.2'), 'v1.7.2');
    assert.equal(imageTag('hashicorp/vault-secrets-operator:0.9.1'), '0.9.1');
    assert.equal(imageTag('docker.io/hashicorp/vault-secrets-operator:0.9.1-ubi'), '0.9.1-ubi');
    assert.equal(imageTag('traefik:v3.2.3'), 'v3.2.3');
  });

  it('has no tag for a digest-only reference or a bare repository behind a registry port', () => {
    assert.equal(imageTag('registry:5000/longhornio/longhorn-manager@sha256:0f4e5c9b'), undefined);
    assert.equal(imageTag('registry:5000/longhornio/longhorn-manager'), undefined);
    assert.equal(imageTag('longhornio/longhorn-manager'), undefined);
    assert.equal(imageTag('longhornio/longhorn-manager:'), undefined);
  });
});

describe('parity gate against a fresh lab-sim', () => {
  let sim: LabSim;
  let sandbox: Sandbox;
  before(async () => {
    sim = await startTestSim();
    sandbox = await openSandbox(loadConfigFile(sim.files.config, env), env);
  });
  after(async () => {
    await sandbox.postgres()?.close();
    await sim.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the shipped manifest holds: 14/14, every check with expected and observed', async () => {
    const r = await parityGate(loadParityManifest(), sourcesOf(sandbox), NOW);
    assert.equal(r.summary, 'parity: 14/14 expectations hold', JSON.stringify(r.checks.filter((c) => !c.ok), null, 1));
    assert.equal(r.ok, true);
    assert.equal(r.schema, 'lab-tui/gate@1');
    assert.equal(r.gate, 'parity');
    assert.equal(r.at, NOW.toISOString());
    assert.deepEqual(r.checks.map((c) => c.name), [
      'nodes', 'kubelet on pi1', 'kubelet on pi2', 'kubelet on pi3', 'k3s api server', 'longhorn', 'vault', 'vso',
      'argocd root lab-apps', 'argocd apps', 'postgres outside k3s', 'postgres', 'gitea outside k3s', 'gitea',
    ]);
    for (const c of r.checks) assert.ok(c.expected && c.observed, `${c.name} has expected and observed`);
    assert.equal(check(r, 'nodes').observed, '3');
    assert.equal(check(r, 'kubelet on pi2').observed, 'v1.34.3+k3s1');
    assert.equal(check(r, 'k3s api server').observed, 'v1.34.3+k3s1');
    assert.equal(check(r, 'longhorn').observed, 'v1.7.2');
    assert.equal(check(r, 'vault').observed, '1.17.6');
    assert.equal(check(r, 'vso').observed, '0.9.1');
    assert.equal(check(r, 'argocd apps').observed, 'erp, longhorn, step-ca, traefik, vault, vso, webapp');
    assert.match(check(r, 'postgres').observed, /^server_version 16\.4 at 127\.0\.0\.1:\d+$/);
    assert.match(check(r, 'gitea').observed, /^version 1\.22\.3 at http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(check(r, 'postgres outside k3s').observed, 'none in k3s');
    assert.equal(check(r, 'gitea outside k3s').observed, 'none in k3s');
  });

  it('a different k3s version: every kubelet and the API server drift', async () => {
    const m = manifestWith('k3s', (raw) => (raw.kubernetes.version = 'v1.33.1+k3s1'));
    const r = await parityGate(m, sourcesOf(sandbox), NOW);
    assert.equal(r.ok, false);
    assert.deepEqual(failing(r), ['kubelet on pi1', 'kubelet on pi2', 'kubelet on pi3', 'k3s api server']);
    assert.deepEqual({ ...check(r, 'kubelet on pi3') }, { name: 'kubelet on pi3', expected: 'v1.33.1+k3s1', observed: 'v1.34.3+k3s1', ok: false });
    assert.equal(r.summary, 'parity: 4 drift(s): kubelet on pi1 v1.34.3+k3s1 ≠ v1.33.1+k3s1, kubelet on pi2 v1.34.3+k3s1 ≠ v1.33.1+k3s1, kubelet on pi3 v1.34.3+k3s1 ≠ v1.33.1+k3s1, …');
  });

  it('an app missing from the manifest is reported as extra in the cluster', async () => {
    const m = manifestWith('missing-app', (raw) => (raw.argocd.apps = raw.argocd.apps.filter((a: string) => a !== 'webapp')));
    const r = await parityGate(m, sourcesOf(sandbox), NOW);
    assert.deepEqual(failing(r), ['argocd apps']);
    assert.equal(check(r, 'argocd apps').detail, 'extra: webapp');
    assert.equal(r.summary, 'parity: 1 drift(s): argocd apps extra: webapp');
  });

  it('an extra app expected is reported as missing from the cluster', async () => {
    const m = manifestWith('extra-app', (raw) => raw.argocd.apps.push('monitoring'));
    const r = await parityGate(m, sourcesOf(sandbox), NOW);
    assert.deepEqual(failing(r), ['argocd apps']);
    assert.equal(check(r, 'argocd apps').detail, 'missing: monitoring');
    assert.equal(r.summary, 'parity: 1 drift(s): argocd apps missing: monitoring');
  });

  it('missing and extra together, and a root that does not exist', async () => {
    const m = manifestWith('apps-both', (raw) => {
      raw.argocd.root = 'root-apps';
      raw.argocd.apps = [...raw.argocd.apps.filter((a: string) => a !== 'erp'), 'monitoring'];
    });
    const r = await parityGate(m, sourcesOf(sandbox), NOW);
    assert.deepEqual(failing(r), ['argocd root root-apps', 'argocd apps']);
    assert.equal(check(r, 'argocd root root-apps').observed, 'absent');
    // With another root, lab-apps is one more child the manifest does not list.
    assert.equal(check(r, 'argocd apps').detail, 'missing: monitoring\nextra: erp, lab-apps');
    assert.match(r.summary, /^parity: 2 drift\(s\): argocd root root-apps absent, argocd apps missing: monitoring; extra: erp, lab-apps$/);
  });

  it('a different Vault version', async () => {
    const m = manifestWith('vault', (raw) => (raw.components.vault = '1.17.5'));
    const r = await parityGate(m, sourcesOf(sandbox), NOW);
    assert.deepEqual(failing(r), ['vault']);
    assert.equal(check(r, 'vault').observed, '1.17.6');
    assert.equal(check(r, 'vault').expected, '1.17.5');
    assert.equal(r.summary, 'parity: 1 drift(s): vault 1.17.6 ≠ 1.17.5');
  });

  it('4 nodes expected', async () => {
    const m = manifestWith('nodes', (raw) => (raw.kubernetes.nodes = 4));
    const r = await parityGate(m, sourcesOf(sandbox), NOW);
    assert.deepEqual(failing(r), ['nodes']);
    assert.equal(check(r, 'nodes').detail, 'pi1, pi2, pi3');
    assert.equal(r.summary, 'parity: 1 drift(s): nodes 3 ≠ 4');
  });

  it('Longhorn and VSO drift on their image tags', async () => {
    const m = manifestWith('images', (raw) => {
      raw.components.longhorn = 'v1.8.0';
      raw.components.vso = '0.10.0';
    });
    const r = await parityGate(m, sourcesOf(sandbox), NOW);
    assert.deepEqual(failing(r), ['longhorn', 'vso']);
    assert.equal(r.summary, 'parity: 2 drift(s): longhorn v1.7.2 ≠ v1.8.0, vso 0.9.1 ≠ 0.10.0');
    assert.match(check(r, 'longhorn').detail ?? '', /volume pvc-erp-data: engine longhornio\/longhorn-engine:v1\.7\.2/);
  });

  it('a manifest that contradicts itself is an error, not drift', async () => {
    const m = manifestWith('bad', (raw) => raw.argocd.apps.push('erp'));
    await assert.rejects(parityGate(m, sourcesOf(sandbox), NOW), /parity manifest: argocd\.apps lists erp twice/);
  });
});

describe('parity gate with a component down', () => {
  let sim: LabSim;
  let sandbox: Sandbox;
  before(async () => {
    sim = await startTestSim({ seed: 11 });
    sandbox = await openSandbox(loadConfigFile(sim.files.config, env), env);
  });
  after(async () => {
    await sandbox.postgres()?.close();
    await sim.stop();
  });

  it('a sealed Vault still reports its version: parity holds', async () => {
    await sim.fault('vault-seal');
    const r = await parityGate(loadParityManifest(), sourcesOf(sandbox), NOW);
    assert.equal(r.summary, 'parity: 14/14 expectations hold');
    assert.match(check(r, 'vault').detail ?? '', /\(sealed\)$/);
  });

  it('Vault stopped (its StatefulSet scaled to 0): the vault check fails with the error, the others still report', async () => {
    await kubectl(sim, 'scale', 'statefulset/vault', '-n', 'vault', '--replicas=0');
    const vaultUrl = sandbox.vault()!.address;
    await waitFor(
      async () => {
        await sim.advance(1_000);
        return refused(`${vaultUrl}/v1/sys/health`);
      },
      { what: 'the Vault listener to close once vault-0 has stopped', timeoutMs: 20_000 },
    );
    const r = await parityGate(loadParityManifest(), sourcesOf(sandbox), NOW);
    assert.equal(r.ok, false);
    assert.deepEqual(failing(r), ['vault']);
    const v = check(r, 'vault');
    assert.equal(v.expected, '1.17.6');
    assert.match(v.observed, /^unreachable: .*ECONNREFUSED/);
    assert.match(r.summary, /^parity: 1 drift\(s\): vault unreachable \(.*ECONNREFUSED.*\)$/);
    assert.equal(r.checks.length, 14);
    assert.equal(check(r, 'k3s api server').observed, 'v1.34.3+k3s1');
    assert.match(check(r, 'postgres').observed, /^server_version 16\.4/);
  });

  it('everything down (power cut): every check fails with its error, and the gate does not throw', async () => {
    await sim.fault('power-cut');
    const kubeUrl = sandbox.identity.server;
    await waitFor(() => refused(`${kubeUrl}/version`), { what: 'the API server to go down' });
    const r = await parityGate(loadParityManifest(), sourcesOf(sandbox), NOW);
    assert.equal(r.ok, false);
    // Without the API server the node names are unknown: one kubelet check stands for them all.
    assert.deepEqual(r.checks.map((c) => c.name), [
      'nodes', 'kubelet', 'k3s api server', 'longhorn', 'vault', 'vso', 'argocd root lab-apps', 'argocd apps', 'postgres outside k3s', 'postgres', 'gitea outside k3s', 'gitea',
    ]);
    for (const c of r.checks) {
      assert.equal(c.ok, false, c.name);
      assert.ok(c.expected, c.name);
      assert.match(c.observed, /^unreachable: .*ECONNREFUSED/, `${c.name}: ${c.observed}`);
    }
    // The nine checks that need Kubernetes are named once in the summary.
    assert.match(r.summary, /^parity: 12 drift\(s\): kubernetes unreachable \(.*ECONNREFUSED.*\) ×9, vault unreachable \(connect ECONNREFUSED [\d.:]+\), postgres unreachable \(.*\), …$/);
  });
});
