import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manifestPath } from '../../engine/common/package-root.ts';
import { DRILL_FAULTS } from '../../engine/drills/drill-types.ts';
import { availablePorts, cleanupFault, cleanupMethod, injectFault, injectionMethod, type FaultPorts, type FaultPortsAvailable } from '../../engine/drills/inject-fault.ts';
import { loadDrills } from '../../engine/drills/load-drill.ts';

/** Every port, each call recorded. */
function recordingPorts(): { ports: FaultPorts; calls: string[] } {
  const calls: string[] = [];
  const ports: FaultPorts = {
    powerStop: async (node) => void calls.push(`power stop ${node}`),
    powerStart: async (node) => void calls.push(`power start ${node}`),
    seal: async () => void calls.push('seal'),
    mutate: async (sql) => void calls.push(`sql ${sql}`),
    shell: async (command) => void calls.push(`sh ${command}`),
    fault: async (kind, target) => void calls.push(`sim ${kind}${target ? ` ${target}` : ''}`),
    nodes: () => ['pi1', 'pi2', 'pi3'],
  };
  return { ports, calls };
}

const LAB_SIM: FaultPortsAvailable = { powerStop: true, powerStart: true, seal: true, mutate: true, shell: true, fault: true };
/** A real sandbox with power commands, Vault and PostgreSQL configured, and no lab-sim control API. */
const REAL: FaultPortsAvailable = { ...LAB_SIM, fault: false };
const BARE: FaultPortsAvailable = { powerStop: false, powerStart: false, seal: false, mutate: false, shell: false, fault: false };

const TARGETS: Record<(typeof DRILL_FAULTS)[number], string | undefined> = { 'node-stop': 'pi3', 'power-cut': undefined, 'vault-seal': undefined, 'volume-corrupt': 'pvc-erp-data', 'db-drop': 'erp', 'bad-sync': 'erp', 'ca-reinit': undefined, command: 'systemctl --host pi2 stop gitea' };

describe('fault injection through its port', () => {
  it('injects each fault through its own port and returns what the evidence records', async () => {
    const { ports, calls } = recordingPorts();
    const evidence: string[] = [];
    for (const kind of DRILL_FAULTS) evidence.push(await injectFault(ports, kind, TARGETS[kind]));
    assert.deepEqual(evidence, [
      'sandbox.power.stop pi3',
      'lab-sim control API: fault power-cut',
      'Vault sys/seal',
      'lab-sim control API: fault volume-corrupt pvc-erp-data',
      'DROP DATABASE erp WITH (FORCE)',
      'lab-sim control API: fault bad-sync erp',
      'lab-sim control API: fault ca-reinit',
      'command: systemctl --host pi2 stop gitea',
    ]);
    assert.deepEqual(calls, ['power stop pi3', 'sim power-cut', 'seal', 'sim volume-corrupt pvc-erp-data', 'sql DROP DATABASE IF EXISTS "erp" WITH (FORCE)', 'sim bad-sync erp', 'sim ca-reinit', 'sh systemctl --host pi2 stop gitea']);
  });

  it('quotes the database name as an identifier', async () => {
    const { ports, calls } = recordingPorts();
    await injectFault(ports, 'db-drop', 'we"ird');
    assert.deepEqual(calls, ['sql DROP DATABASE IF EXISTS "we""ird" WITH (FORCE)']);
  });

  it('refuses, touching nothing, a fault whose port this sandbox lacks, and says to do it by hand', async () => {
    const { ports, calls } = recordingPorts();
    const { fault, seal, ...real } = ports;
    await assert.rejects(injectFault(real, 'power-cut'), { message: 'fault power-cut is not automated on this sandbox (lab-tui drives no tool for power-cut outside lab-sim): inject it by hand, then follow the runbook' });
    await assert.rejects(injectFault(real, 'vault-seal'), { message: 'fault vault-seal is not automated on this sandbox (no Vault is configured): seal Vault by hand, then follow the runbook' });
    assert.deepEqual(calls, []);
  });

  it('cleans up a node, or every node of the snapshot, through the power command', async () => {
    const { ports, calls } = recordingPorts();
    assert.equal(await cleanupFault(ports, 'node-start', 'pi3'), 'sandbox.power.start pi3');
    assert.equal(await cleanupFault(ports, 'power-restore'), 'sandbox.power.start pi1, pi2, pi3');
    assert.deepEqual(calls, ['power start pi3', 'power start pi1', 'power start pi2', 'power start pi3']);
    const { powerStart, ...unpowered } = ports;
    await assert.rejects(cleanupFault(unpowered, 'node-start', 'pi3'), { message: 'node-start is not automated on this sandbox (sandbox.power.start is not configured): power pi3 on by hand' });
  });

  it('says beforehand how each fault and cleanup will go, per sandbox', () => {
    const table = (available: FaultPortsAvailable) => Object.fromEntries(DRILL_FAULTS.map((kind) => [kind, injectionMethod({ kind, target: TARGETS[kind] }, available)]));
    assert.deepEqual(table(REAL), {
      'node-stop': 'sandbox.power.stop pi3',
      'power-cut': 'not automated on this sandbox (lab-tui drives no tool for power-cut outside lab-sim): inject it by hand',
      'vault-seal': 'Vault sys/seal',
      'volume-corrupt': 'not automated on this sandbox (lab-tui drives no tool for volume-corrupt outside lab-sim): inject it by hand',
      'db-drop': 'DROP DATABASE erp WITH (FORCE)',
      'bad-sync': 'not automated on this sandbox (lab-tui drives no tool for bad-sync outside lab-sim): inject it by hand',
      'ca-reinit': 'not automated on this sandbox (lab-tui drives no tool for ca-reinit outside lab-sim): inject it by hand',
      command: 'command: systemctl --host pi2 stop gitea',
    });
    assert.deepEqual(table(BARE), {
      'node-stop': 'not automated on this sandbox (sandbox.power.stop is not configured): power pi3 off by hand',
      'power-cut': 'not automated on this sandbox (lab-tui drives no tool for power-cut outside lab-sim): inject it by hand',
      'vault-seal': 'not automated on this sandbox (no Vault is configured): seal Vault by hand',
      'volume-corrupt': 'not automated on this sandbox (lab-tui drives no tool for volume-corrupt outside lab-sim): inject it by hand',
      'db-drop': 'not automated on this sandbox (no PostgreSQL is configured): drop database erp by hand',
      'bad-sync': 'not automated on this sandbox (lab-tui drives no tool for bad-sync outside lab-sim): inject it by hand',
      'ca-reinit': 'not automated on this sandbox (lab-tui drives no tool for ca-reinit outside lab-sim): inject it by hand',
      command: 'not automated on this sandbox (no command runner): run systemctl --host pi2 stop gitea by hand',
    });
    assert.equal(cleanupMethod({ kind: 'node-start', target: 'pi3' }, REAL), 'sandbox.power.start pi3');
    assert.equal(cleanupMethod({ kind: 'undo', target: 'systemctl --host pi2 start gitea' }, REAL), 'command: systemctl --host pi2 start gitea');
    assert.equal(cleanupMethod({ kind: 'power-restore' }, REAL), 'sandbox.power.start every node');
    assert.equal(cleanupMethod({ kind: 'power-restore' }, BARE), 'not automated on this sandbox (sandbox.power.start is not configured): power every node on by hand');
  });

  it('automates every shipped drill on lab-sim, and describes it as it will record it', async () => {
    const { ports } = recordingPorts();
    assert.deepEqual(availablePorts(ports), LAB_SIM);
    for (const d of loadDrills(manifestPath('drills'))) assert.equal(injectionMethod(d.fault, LAB_SIM), await injectFault(ports, d.fault.kind, d.fault.target), d.id);
  });
});
