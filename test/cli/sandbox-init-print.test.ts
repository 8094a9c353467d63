import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { LabSim } from '../../engine/sim/index.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestSim } from '../helpers/lab-sim.ts';

/** kubectl reading the manifests from stdin, as `lab-tui sandbox init --print | kubectl apply --dry-run=client -f -`. */
function kubectlDryRun(sim: LabSim, manifests: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('kubectl', ['--kubeconfig', sim.files.kubeconfig, '--cache-dir', join(sim.stateDir, 'kubectl-cache'), 'apply', '--dry-run=client', '-f', '-'], { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(manifests);
  });
}

describe('sandbox init --print', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
  });
  after(() => sim.stop());

  it('prints the marker, the identity and its roles, and the Vault policy, without contacting anything', async () => {
    const r = await runCli(['sandbox', 'init', '--print']);
    assert.equal(r.code, 0, r.stderr);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean) as { kind: string; metadata: { name: string; namespace?: string }; rules?: { resources: string[]; verbs: string[] }[] }[];
    const names = docs.map((d) => `${d.kind} ${d.metadata.namespace ? `${d.metadata.namespace}/` : ''}${d.metadata.name}`);
    for (const want of ['ConfigMap kube-system/lab-sandbox-identity', 'ServiceAccount lab-tui/lab-tui', 'ClusterRole lab-tui', 'ClusterRoleBinding lab-tui', 'Role erp/lab-tui', 'RoleBinding erp/lab-tui', 'Role kube-system/lab-tui', 'Secret lab-tui/lab-tui-token'])
      assert.ok(names.includes(want), `${want} in ${names.join(', ')}`);
    const erp = docs.find((d) => d.kind === 'Role' && d.metadata.namespace === 'erp');
    assert.deepEqual(erp?.rules?.find((rule) => rule.resources.includes('deployments/scale'))?.verbs, ['patch']);
    assert.match(r.stdout, /^# path "secret\/data\/lab\/identity" \{$/m);
    assert.match(r.stdout, /^# path "sys\/seal" \{\n#   capabilities = \["update", "sudo"\]/m);
  });

  it('kubectl apply --dry-run=client -f - accepts the whole stream', async () => {
    const printed = (await runCli(['sandbox', 'init', '--print'])).stdout;
    const r = await kubectlDryRun(sim, printed);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /clusterrole\.rbac\.authorization\.k8s\.io\/lab-tui (created|configured) \(dry run\)/);
    assert.match(r.stdout, /configmap\/lab-sandbox-identity (created|configured|unchanged) \(dry run\)/);
  });
});
