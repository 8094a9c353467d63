import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TOPOLOGY_FILE, loadTopology } from '../../engine/sim/topology/load-topology.ts';
import { TopologyError } from '../../engine/sim/topology/yaml-cursor.ts';

function broken(replace: string, by: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-topology-'));
  const file = join(dir, 'lab.yaml');
  const source = readFileSync(DEFAULT_TOPOLOGY_FILE, 'utf8');
  assert.ok(source.includes(replace), `fixture text "${replace}" not found in lab.yaml`);
  writeFileSync(file, source.replace(replace, by));
  return file;
}

describe('topology manifest', () => {
  it('describes the lab: three arm64 nodes, pi1 the k3s server, the recovery-relevant pieces', () => {
    const t = loadTopology();
    assert.deepEqual(t.nodes.map((n) => n.name), ['pi1', 'pi2', 'pi3']);
    assert.deepEqual(t.nodes[0]?.roles, ['control-plane', 'master']);
    assert.equal(t.cluster.kubernetesVersion, 'v1.34.3+k3s1');
    assert.deepEqual(t.cluster.marker, { namespace: 'kube-system', name: 'lab-sandbox-identity', data: { env: 'sandbox' } });
    assert.equal(t.timings.nodeMonitorGracePeriod, 40_000);
    assert.equal(t.postgres.node, 'pi2');
    assert.deepEqual(t.vso.dynamicSecrets.find((s) => s.name === 'erp-db-creds')?.path, 'creds/erp');
    assert.ok(t.argocd.apps.some((a) => a.name === 'erp'));
  });

  // [text in lab.yaml, replacement, expected message, text on the reported line]
  const cases: [string, string, RegExp, string][] = [
    ['internalIP: 10.77.0.12', 'internalIP: [1, 2]', /nodes\[1\]\.internalIP: expected a single value/, 'internalIP: [1, 2]'],
    ['volume: pvc-erp-data,', 'volume: pvc-nope,', /workloads\[12\]\.needs\.volume: unknown volume "pvc-nope"; known: pvc-erp-data/, 'pvc-nope'],
    ['nodeMonitorGracePeriod: 40s', 'nodeMonitorGracePeriod: soon', /timings\.nodeMonitorGracePeriod: expected a duration/, 'soon'],
    ['  - name: pi3\n', '  - nam: pi3\n', /nodes\[2\]\.name: is required/, 'nam: pi3'],
    ['version: v1.7.2', 'version: [v1.7.2', /\(syntax\)/, ''],
  ];
  for (const [replace, by, message, onLine] of cases) {
    it(`rejects "${by.trim()}" naming file, line and field`, () => {
      const file = broken(replace, by);
      assert.throws(() => loadTopology(file), (err: unknown) => {
        assert.ok(err instanceof TopologyError);
        assert.match(err.message, message);
        assert.ok(err.message.startsWith(`${file}:${err.line}:${err.col}: `), err.message);
        const line = readFileSync(file, 'utf8').split('\n')[err.line - 1] ?? '';
        assert.ok(line.includes(onLine), `reported line ${err.line} is "${line}"`);
        return true;
      });
    });
  }
});
