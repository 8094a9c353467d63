import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawState } from '../../engine/health/build-snapshot.ts';
import { healthyRaw, liveSources, node, pod, snapshotOf, T0, volume } from '../helpers/raw-state.ts';
import { renderApp } from '../helpers/render-app.tsx';

function show(edit: (raw: RawState) => void = () => {}, sources = liveSources()) {
  const raw = healthyRaw();
  edit(raw);
  return renderApp({}, snapshotOf(raw, sources));
}

const componentLine = (frame: string, id: string) => frame.split('\n').find((l) => l.startsWith(`${id} `)) ?? '';

describe('dashboard: what the operator sees for each state', () => {
  it('a healthy sandbox: three Ready nodes and every component healthy', () => {
    const r = show();
    for (const n of ['pi1', 'pi2', 'pi3']) assert.match(r.frame(), new RegExp(`${n}\\s+\\S+\\s+Ready`));
    for (const id of ['longhorn', 'vault', 'vso', 'argocd', 'postgres', 'gitea', 'stepca', 'workloads']) assert.match(componentLine(r.frame(), id), /healthy/, id);
    r.unmount();
  });

  it('while the first connection still lists the pods: the header says so, pod counts read … (never 0), workloads unknown', () => {
    const raw = healthyRaw();
    raw.kube!.pods = [];
    const snapshot = { ...snapshotOf(raw), listing: ['pods'] };
    snapshot.components = snapshot.components.map((c) => (c.id === 'workloads' ? { ...c, status: 'unknown' as const, reason: 'listing pods…' } : c));
    const r = renderApp({}, snapshot);
    assert.match(r.frame(), /kubernetes live \(listing pods…\)/);
    for (const n of ['pi1', 'pi2', 'pi3']) assert.match(r.frame(), new RegExp(`${n}\\s+\\S+\\s+Ready\\s+\\S+\\s+\\S+\\s+arm64\\s+…\\s+…`), `${n} pod counts unknown`);
    assert.match(componentLine(r.frame(), 'workloads'), /unknown.*listing pods…/);
    r.unmount();
  });

  it('a NotReady node is shown NotReady and Longhorn degraded with the volume named', () => {
    const r = show((raw) => {
      raw.kube!.nodes[1] = node('pi2', 'Unknown') as never;
      raw.kube!.volumes[0] = volume('pvc-erp-data', 'degraded');
    });
    assert.match(r.frame(), /pi2\s+agent\s+NotReady/);
    assert.match(componentLine(r.frame(), 'longhorn'), /degraded.*degraded: pvc-erp-data/);
    r.unmount();
  });

  it('a faulted volume makes Longhorn down', () => {
    const r = show((raw) => void (raw.kube!.volumes[1] = volume('backups-rwx', 'faulted')));
    assert.match(componentLine(r.frame(), 'longhorn'), /down.*faulted: backups-rwx/);
    r.unmount();
  });

  it('a sealed Vault is down with the unseal hint', () => {
    const r = show((raw) => void (raw.vault = { sealed: true, version: '1.17.6' }));
    assert.match(componentLine(r.frame(), 'vault'), /down.*sealed: unseal with the sandbox key/);
    r.unmount();
  });

  it('an expired VSO lease makes VSO degraded', () => {
    const r = show((raw) => void (raw.kube!.vaultSecrets[0]!.status = { lastRenewalTime: Date.parse(T0) / 1000 - 3600, secretLease: { duration: 600 } }));
    assert.match(componentLine(r.frame(), 'vso'), /degraded.*stale: erp-db-creds/);
    r.unmount();
  });

  it('an OutOfSync/Degraded Application makes ArgoCD down', () => {
    const r = show((raw) => void (raw.kube!.apps[1]!.status = { sync: { status: 'OutOfSync' }, health: { status: 'Degraded' } }));
    assert.match(componentLine(r.frame(), 'argocd'), /down.*erp: OutOfSync\/Degraded/);
    r.unmount();
  });

  it('a crash-looping ERP makes workloads down with the restarts', () => {
    const r = show((raw) => {
      raw.kube!.pods[0] = pod('erp', 'erp-7d9f-abcde', 'pi2', 'erp', true) as never;
      (raw.kube!.deployments[0] as { status: { readyReplicas: number } }).status.readyReplicas = 0;
    });
    assert.match(componentLine(r.frame(), 'workloads'), /down.*crash-looping: erp \(7 restarts\)/);
    r.unmount();
  });

  it('an invalid certificate chain makes Step-CA down; one expiring soon, degraded', () => {
    const broken = show((raw) => void (raw.stepca!.certificates[0]!.chainValid = false));
    assert.match(componentLine(broken.frame(), 'stepca'), /down.*not valid: erp\.sandbox\.arcodange\.lab \(chain invalid\)/);
    broken.unmount();
    const expiring = show((raw) => void (raw.stepca!.certificates[0]!.daysToExpiry = 5));
    assert.match(componentLine(expiring.frame(), 'stepca'), /degraded.*expiring: erp\.sandbox\.arcodange\.lab 5d/);
    expiring.unmount();
  });

  it('PostgreSQL unreachable since start is down, with the error', () => {
    const sources = liveSources().map((s) => (s.id === 'postgres' ? { ...s, status: 'down' as const, error: 'connect ECONNREFUSED 127.0.0.1:5432' } : s));
    const r = show((raw) => void delete raw.postgres, sources);
    assert.match(componentLine(r.frame(), 'postgres'), /down.*ECONNREFUSED/);
    assert.match(r.frame(), /● postgres down since/);
    r.unmount();
  });

  it('a lost API server: last known nodes stay visible, marked STALE, with the outage timer', () => {
    const sources = liveSources().map((s) => (s.id === 'kubernetes' ? { ...s, status: 'stale' as const, since: '2026-11-23T10:10:00' } : s));
    const r = show(() => {}, sources);
    assert.match(r.frame(), /● kubernetes stale since 10:10:00 \(outage 1m12s\)/, 'the header says since when and for how long');
    assert.match(r.frame(), /Nodes\s+3\s+STALE since 10:10:00/);
    assert.match(r.frame(), /pi1\s+control-plane,master\s+Ready/, 'last known rows are still there');
    r.unmount();
  });

  it('kubelet drift from the parity manifest is flagged on the node row', () => {
    const r = show((raw) => void (raw.kube!.nodes[2] = node('pi3', 'True', [], 'v1.33.1+k3s1') as never));
    assert.match(r.frame(), /pi3\s+agent\s+Ready\s+\S+\s+v1\.33\.1\+k3s1 ≠ parity/);
    r.unmount();
  });

  it("the volume detail lists each replica's node, data directory and its suffix, and orphans by DataName", async () => {
    const r = show((raw) => {
      raw.kube!.orphans = [{ metadata: { name: `orphan-${'3f1c2b7a'.repeat(8)}` }, spec: { nodeID: 'pi2', orphanType: 'replica', parameters: { DataName: 'pvc-erp-data-0dd1d000', DiskName: 'default-disk-fd0100000000', DiskPath: '/var/lib/longhorn/', DiskType: 'filesystem', DiskUUID: '6c0e5b4a-1f2d-4e3c-9b8a-7d6e5f4c3b2a' } } }];
    });
    assert.match(componentLine(r.frame(), 'longhorn'), /degraded.*orphaned data: pvc-erp-data/);
    await r.press(':volumes\r');
    await r.until(/Longhorn volumes/);
    assert.match(r.frame(), /pvc-erp-data.*1 dir\(s\): DO NOT RENAME/);
    await r.press('j\r');
    await r.until(/Volume pvc-erp-data/);
    assert.match(r.frame(), /NEVER rename them to the directory of a new replica/);
    assert.match(r.frame(), /KIND\s+NODE\s+DATA DIRECTORY\s+DIR SUFFIX\s+STATE\s+NAME/);
    for (const [i, node] of ['pi1', 'pi2', 'pi3'].entries()) {
      assert.match(r.frame(), new RegExp(`replica\\s+${node}\\s+pvc-erp-data-a1b2c3d${i}\\s+a1b2c3d${i}\\s+running\\s+pvc-erp-data-r-5e7a9c0${i}`), `replica on ${node}`);
    }
    assert.match(r.frame(), /ORPHAN\s+pi2\s+pvc-erp-data-0dd1d000\s+0dd1d000\s+NEVER RENAME\s+orphan-3f1c2b7a/);
    await r.press('\x1b');
    await r.until(/Longhorn volumes/);
    r.unmount();
  });

  it('/ filters the focused list', async () => {
    const r = show();
    await r.press('/pi3\r');
    await r.until(/\/pi3/);
    assert.doesNotMatch(r.frame(), /^pi1 /m);
    assert.match(r.frame(), /^pi3 /m);
    r.unmount();
  });
});
