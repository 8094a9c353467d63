import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { LabSim } from '../../engine/sim/index.ts';
import { crdSchema, undeclared } from '../helpers/crd-schema.ts';
import { kubeConfigFor } from '../helpers/kube-clients.ts';
import { kubectl, startTestSim } from '../helpers/lab-sim.ts';

// Custom objects come back untyped; the assertions read their fields directly.
type Obj = { metadata: { name: string; labels: Record<string, string> }; spec: Record<string, any>; status: Record<string, any> };
const LH = { group: 'longhorn.io', version: 'v1beta2', namespace: 'longhorn-system' };
const CRDS = ['longhorn', 'crds-v1.7.2.yaml'];

// longhorn-manager v1.7.2's formats: util.RandomID is 8 hex digits, disk UUIDs are util.UUID (v4),
// the default disk is `default-disk-` + the filesystem id printed as %012x.
const HEX8 = '[0-9a-f]{8}';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const sha = (algo: string, text: string) => createHash(algo).update(text).digest('hex');

describe('lab-sim Longhorn objects are named and shaped as longhorn-manager v1.7.2 makes them', () => {
  let sim: LabSim;
  let custom: CustomObjectsApi;
  const list = async (plural: string) => ((await custom.listNamespacedCustomObject({ ...LH, plural })) as { items: Obj[] }).items;
  before(async () => {
    sim = await startTestSim();
    custom = kubeConfigFor(sim).makeApiClient(CustomObjectsApi);
  });
  after(() => sim.stop());

  it('replicas are `<volume>-r-<id>`, each in its own `<volume>-<id>` directory on a disk named by UUID; engines are `<volume>-e-0`', async () => {
    const [volumes, engines, replicas] = [await list('volumes'), await list('engines'), await list('replicas')];
    assert.equal(replicas.length, volumes.length * 3);
    for (const r of replicas) {
      const volume = r.spec.volumeName as string;
      assert.match(r.metadata.name, new RegExp(`^${volume}-r-${HEX8}$`));
      assert.match(r.spec.dataDirectoryName, new RegExp(`^${volume}-${HEX8}$`));
      assert.equal(r.spec.engineName, `${volume}-e-0`);
      assert.match(r.spec.diskID, UUID, 'spec.diskID is the disk UUID (scheduler: replica.Spec.DiskID = disk.DiskUUID)');
      assert.equal(r.spec.diskPath, '/var/lib/longhorn/');
    }
    assert.equal(new Set(replicas.map((r) => r.spec.dataDirectoryName)).size, replicas.length, 'no two replicas share a directory');
    const diskByNode = new Map<string, Set<string>>();
    for (const r of replicas) diskByNode.set(r.spec.nodeID, (diskByNode.get(r.spec.nodeID) ?? new Set()).add(r.spec.diskID));
    assert.deepEqual([...diskByNode.values()].map((s) => s.size), [1, 1, 1], 'one default disk per node');
    assert.equal(new Set([...diskByNode.values()].flatMap((s) => [...s])).size, 3, 'each node its own disk UUID');
    assert.deepEqual(engines.map((e) => e.metadata.name).sort(), volumes.map((v) => `${v.metadata.name}-e-0`).sort());

    const schema = (kind: string) => crdSchema(CRDS, kind, 'v1beta2');
    const extra = [
      ...replicas.flatMap((r) => [...undeclared(schema('Replica'), 'spec', r.spec), ...undeclared(schema('Replica'), 'status', r.status)]),
      ...engines.flatMap((e) => [...undeclared(schema('Engine'), 'spec', e.spec), ...undeclared(schema('Engine'), 'status', e.status)]),
      ...volumes.flatMap((v) => [...undeclared(schema('Volume'), 'spec', v.spec), ...undeclared(schema('Volume'), 'status', v.status)]),
    ];
    assert.deepEqual(extra, [], 'every field is one Longhorn v1.7.2 declares');
  });

  it("instance managers are `instance-manager-` + SHA-512(node + instance-manager image + data engine)[:32]", async () => {
    const expected = (node: string) => `instance-manager-${sha('sha512', `${node}longhornio/longhorn-instance-manager:v1.7.2v1`).slice(0, 32)}`;
    const replicas = await list('replicas');
    for (const r of replicas) assert.equal(r.status.instanceManagerName, expected(r.spec.nodeID));
    const attached = (await list('engines')).filter((e) => e.status.currentState === 'running');
    assert.ok(attached.length > 0);
    for (const e of attached) assert.equal(e.status.instanceManagerName, expected(e.spec.nodeID));
  });

  it("each storage node's Longhorn Node lists its default disk by UUID, the one its replicas' diskID names", async () => {
    const [nodes, replicas] = [await list('nodes'), await list('replicas')];
    assert.deepEqual(nodes.map((n) => n.metadata.name).sort(), ['pi1', 'pi2', 'pi3']);
    const schema = crdSchema(CRDS, 'Node', 'v1beta2');
    for (const n of nodes) {
      const [diskName, ...others] = Object.keys(n.spec.disks);
      assert.equal(others.length, 0);
      assert.match(diskName as string, /^default-disk-[0-9a-f]{12}$/);
      const status = n.status.diskStatus[diskName as string];
      assert.match(status.diskUUID, UUID);
      const onNode = replicas.filter((r) => r.spec.nodeID === n.metadata.name);
      assert.ok(onNode.length > 0 && onNode.every((r) => r.spec.diskID === status.diskUUID), `${n.metadata.name}: replicas on disk ${status.diskUUID}`);
      assert.deepEqual(Object.keys(status.scheduledReplica).sort(), onNode.map((r) => r.metadata.name).sort());
      assert.equal(status.instanceManagerName, onNode[0]?.status.instanceManagerName);
      // Disk maps are additionalProperties: their fields are checked against that schema directly.
      const entry = (path: string) => Object.keys((schema as any).properties[path.split('.')[0]!].properties[path.split('.')[1]!].additionalProperties.properties);
      const extraIn = (fields: string[], value: object) => Object.keys(value).filter((k) => !fields.includes(k));
      assert.deepEqual([...undeclared(schema, 'spec', n.spec), ...undeclared(schema, 'status', n.status), ...extraIn(entry('spec.disks'), n.spec.disks[diskName as string]), ...extraIn(entry('status.diskStatus'), status)], [], 'fields Longhorn v1.7.2 declares');
    }
    // The core Node keeps the plain name: kubectl resolves `nodes` to v1 before longhorn.io.
    assert.match(await kubectl(sim, 'get', 'nodes'), /pi1\s+Ready\s+control-plane/);
    assert.match(await kubectl(sim, 'get', 'lhn', '-n', 'longhorn-system'), /pi2\s+True\s+true\s+True/);
  });

  it('a corrupted volume leaves one orphan per old directory, named and parameterised as the node controller does', async () => {
    const before = (await list('replicas')).filter((r) => r.spec.volumeName === 'pvc-gitops-cache');
    await sim.fault('volume-corrupt', 'pvc-gitops-cache');
    await sim.advance(5_000);
    const orphans = await list('orphans');
    assert.deepEqual(orphans.map((o) => o.spec.parameters.DataName).sort(), before.map((r) => r.spec.dataDirectoryName).sort());
    for (const o of orphans) {
      const p = o.spec.parameters as Record<string, string>;
      const old = before.find((r) => r.spec.dataDirectoryName === p.DataName);
      assert.deepEqual(Object.keys(p).sort(), ['DataName', 'DiskName', 'DiskPath', 'DiskType', 'DiskUUID']);
      assert.equal(o.spec.nodeID, old?.spec.nodeID);
      assert.equal(p.DiskUUID, old?.spec.diskID);
      assert.match(p.DiskName as string, /^default-disk-[0-9a-f]{12}$/);
      assert.deepEqual({ path: p.DiskPath, type: p.DiskType }, { path: '/var/lib/longhorn/', type: 'filesystem' });
      assert.equal(o.metadata.name, `orphan-${sha('sha256', `${o.spec.nodeID}-${p.DiskName}-${p.DiskPath}-${p.DiskUUID}-${p.DataName}`)}`);
      assert.deepEqual(o.metadata.labels, { 'longhorn.io/component': 'orphan', 'longhorn.io/managed-by': 'longhorn-manager', 'longhorn.io/orphan-type': 'replica', longhornnode: o.spec.nodeID });
    }
    const after = (await list('replicas')).filter((r) => r.spec.volumeName === 'pvc-gitops-cache');
    assert.ok(after.every((r) => !before.some((b) => b.spec.dataDirectoryName === r.spec.dataDirectoryName || b.metadata.name === r.metadata.name)), 'new replicas, new directories');
  });
});
