import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manifestPath } from '../../engine/common/package-root.ts';
import { DRILL_FAULTS } from '../../engine/drills/drill-types.ts';
import { availablePorts, cleanupFault, cleanupMethod, injectFault, injectionMethod, laterPhases, notInjectable, type FaultPorts, type FaultPortsAvailable } from '../../engine/drills/inject-fault.ts';
import { loadDrills } from '../../engine/drills/load-drill.ts';

/** Every port, each call recorded. */
function recordingPorts(templates: FaultPorts['templates'] = {}): { ports: FaultPorts; calls: string[] } {
  const calls: string[] = [];
  const ports: FaultPorts = {
    powerStop: async (node) => void calls.push(`power stop ${node}`),
    powerStart: async (node) => void calls.push(`power start ${node}`),
    seal: async () => void calls.push('seal'),
    mutate: async (sql) => void calls.push(`sql ${sql}`),
    shell: async (command) => void calls.push(`sh ${command}`),
    recreateVolumes: async (volumes) => (calls.push(`recreate ${volumes?.join(',') ?? 'every volume'}`), 'recreated'),
    controlPlaneBoot: async () => 'pi1=boot-1',
    breakGitops: async (app) => (calls.push(`push broken ${app}`), `abc on main`),
    revertGitops: async (app) => (calls.push(`revert ${app}`), 'reverted'),
    templates,
    nodes: () => ['pi1', 'pi2', 'pi3'],
  };
  return { ports, calls };
}

const CA_REINIT = { 'ca-reinit': 'ssh pi1 step ca init --deployment-type standalone' };
const LAB_SIM: FaultPortsAvailable = { powerStop: true, powerStart: true, seal: true, mutate: true, shell: true, recreateVolumes: true, controlPlaneBoot: true, breakGitops: true, revertGitops: true, templates: CA_REINIT };
/** A real sandbox with power commands, Vault, PostgreSQL and Gitea configured, no fault command of its own. */
const REAL: FaultPortsAvailable = { ...LAB_SIM, templates: {} };
const BARE: FaultPortsAvailable = { powerStop: false, powerStart: false, seal: false, mutate: false, shell: false, recreateVolumes: false, controlPlaneBoot: false, breakGitops: false, revertGitops: false, templates: {} };

const TARGETS: Record<(typeof DRILL_FAULTS)[number], string | undefined> = { 'node-stop': 'pi3', 'power-cut': undefined, 'vault-seal': undefined, 'volume-corrupt': 'pvc-erp-data', 'db-drop': 'erp', 'bad-sync': 'erp', 'ca-reinit': undefined, command: 'systemctl --host pi2 stop gitea' };

describe('fault injection through its port', () => {
  it('injects each fault through its own port and returns what the evidence records', async () => {
    const { ports, calls } = recordingPorts(CA_REINIT);
    const evidence: string[] = [];
    for (const kind of DRILL_FAULTS) evidence.push(await injectFault(ports, kind, TARGETS[kind]));
    assert.deepEqual(evidence, [
      'sandbox.power.stop pi3',
      'sandbox.power.stop pi1, pi2, pi3',
      'Vault sys/seal',
      'Longhorn Volume/Engine/Replica objects of pvc-erp-data deleted and recreated (Kubernetes API): recreated',
      'DROP DATABASE erp WITH (FORCE)',
      'git push of a broken commit for erp to the branch its Application tracks: abc on main',
      'sandbox.faults.ca-reinit: ssh pi1 step ca init --deployment-type standalone',
      'command: systemctl --host pi2 stop gitea',
    ]);
    assert.deepEqual(calls, ['power stop pi3', 'power stop pi1', 'power stop pi2', 'power stop pi3', 'seal', 'recreate pvc-erp-data', 'sql DROP DATABASE IF EXISTS "erp" WITH (FORCE)', 'push broken erp', 'sh ssh pi1 step ca init --deployment-type standalone', 'sh systemctl --host pi2 stop gitea']);
  });

  it('runs the lab\'s own command for a fault instead of the built-in mechanism, {target} filled', async () => {
    const { ports, calls } = recordingPorts({ 'volume-corrupt': 'ssh pi1 ./corrupt {target}' });
    assert.equal(await injectFault(ports, 'volume-corrupt', 'pvc-erp-data'), 'sandbox.faults.volume-corrupt: ssh pi1 ./corrupt pvc-erp-data');
    assert.deepEqual(calls, ['sh ssh pi1 ./corrupt pvc-erp-data']);
  });

  it('injects the Longhorn side of a power cut only once the API server went away and is back', async () => {
    const { ports, calls } = recordingPorts();
    const answers: (string | undefined)[] = ['pi1=a', 'pi1=a', undefined, undefined, 'pi1=b'];
    const phases = laterPhases({ ...ports, controlPlaneBoot: async () => answers.shift() }, 'power-cut');
    assert.deepEqual(phases.map((p) => p.phase), ['longhorn-reinstall']);
    await phases[0]!.arm();
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(await phases[0]!.state());
    assert.deepEqual(seen, ['waiting', 'down', 'down', 'ready'], 'up before the outage does not count');
    assert.match(await phases[0]!.inject(), /^every Longhorn volume's Volume\/Engine\/Replica objects deleted and recreated, .*: recreated$/);
    assert.deepEqual(calls, ['recreate every volume']);
    assert.deepEqual(laterPhases(ports, 'node-stop'), []);
  });

  it('counts a control plane that rebooted as back, even when no poll saw it down', async () => {
    const { ports } = recordingPorts();
    const answers: (string | undefined)[] = ['pi1=a', 'pi1=a', 'pi1=b'];
    const [phase] = laterPhases({ ...ports, controlPlaneBoot: async () => answers.shift() }, 'power-cut');
    await phase!.arm();
    assert.deepEqual([await phase!.state(), await phase!.state()], ['waiting', 'ready']);
  });

  it('quotes the database name as an identifier', async () => {
    const { ports, calls } = recordingPorts();
    await injectFault(ports, 'db-drop', 'we"ird');
    assert.deepEqual(calls, ['sql DROP DATABASE IF EXISTS "we""ird" WITH (FORCE)']);
  });

  it('refuses, touching nothing, a fault whose port this sandbox lacks, and says to do it by hand', async () => {
    const { ports, calls } = recordingPorts();
    const { seal, powerStop, ...real } = ports;
    await assert.rejects(injectFault(real, 'power-cut'), { message: 'fault power-cut is not automated on this sandbox (sandbox.power.stop is not configured): power every node off by hand, then follow the runbook' });
    await assert.rejects(injectFault(real, 'vault-seal'), { message: 'fault vault-seal is not automated on this sandbox (no Vault is configured (sandbox.vault)): seal Vault by hand, then follow the runbook' });
    await assert.rejects(injectFault(real, 'ca-reinit'), /^Error: fault ca-reinit is not automated on this sandbox \(sandbox\.faults\.ca-reinit is not configured/);
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
    const reinstall = "every Longhorn volume's Volume/Engine/Replica objects deleted and recreated, as a Longhorn reinstall leaves them (Kubernetes API, once the API server is back)";
    const noCa = 'not automated on this sandbox (sandbox.faults.ca-reinit is not configured (a command such as `ssh pi1 step ca init …`: no API re-initialises a CA)): re-initialise the sandbox Step-CA by hand';
    assert.deepEqual(table(REAL), {
      'node-stop': 'sandbox.power.stop pi3',
      'power-cut': `sandbox.power.stop every node; then ${reinstall}`,
      'vault-seal': 'Vault sys/seal',
      'volume-corrupt': 'Longhorn Volume/Engine/Replica objects of pvc-erp-data deleted and recreated (Kubernetes API)',
      'db-drop': 'DROP DATABASE erp WITH (FORCE)',
      'bad-sync': 'git push of a broken commit for erp to the branch its Application tracks',
      'ca-reinit': noCa,
      command: 'command: systemctl --host pi2 stop gitea',
    });
    assert.equal(table(LAB_SIM)['ca-reinit'], 'sandbox.faults.ca-reinit: ssh pi1 step ca init --deployment-type standalone');
    assert.deepEqual(table(BARE), {
      'node-stop': 'not automated on this sandbox (sandbox.power.stop is not configured): power pi3 off by hand',
      'power-cut': 'not automated on this sandbox (sandbox.power.stop is not configured): power every node off by hand; then not automated on this sandbox (no Kubernetes adapter): recreate the Longhorn objects by hand once the API server is back',
      'vault-seal': 'not automated on this sandbox (no Vault is configured (sandbox.vault)): seal Vault by hand',
      'volume-corrupt': "not automated on this sandbox (no Kubernetes adapter): recreate pvc-erp-data's Longhorn objects by hand",
      'db-drop': 'not automated on this sandbox (no PostgreSQL is configured (sandbox.postgres)): drop database erp by hand',
      'bad-sync': 'not automated on this sandbox (no Gitea to push the gitops repository to (sandbox.gitea.url, or sandbox.gitops.remote)): push a broken commit for erp by hand',
      'ca-reinit': noCa,
      command: 'not automated on this sandbox (no command runner): run systemctl --host pi2 stop gitea by hand',
    });
    assert.equal(notInjectable({ kind: 'ca-reinit' }, REAL), 'sandbox.faults.ca-reinit is not configured (a command such as `ssh pi1 step ca init …`: no API re-initialises a CA)');
    assert.equal(notInjectable({ kind: 'power-cut' }, { ...REAL, recreateVolumes: false }), 'no Kubernetes adapter', 'a later phase that cannot be injected makes the drill not injectable');
    assert.equal(notInjectable({ kind: 'power-cut' }, REAL), undefined);
    assert.equal(cleanupMethod({ kind: 'gitops-revert', target: 'erp' }, REAL), 'git revert of the broken commit for erp, pushed');
    assert.equal(cleanupMethod({ kind: 'node-start', target: 'pi3' }, REAL), 'sandbox.power.start pi3');
    assert.equal(cleanupMethod({ kind: 'undo', target: 'systemctl --host pi2 start gitea' }, REAL), 'command: systemctl --host pi2 start gitea');
    assert.equal(cleanupMethod({ kind: 'power-restore' }, REAL), 'sandbox.power.start every node');
    assert.equal(cleanupMethod({ kind: 'power-restore' }, BARE), 'not automated on this sandbox (sandbox.power.start is not configured): power every node on by hand');
  });

  it('automates every shipped drill with lab-sim\'s ports, and describes it as it will record it', async () => {
    const { ports } = recordingPorts(CA_REINIT);
    assert.deepEqual(availablePorts(ports), LAB_SIM);
    for (const d of loadDrills(manifestPath('drills'))) {
      assert.equal(notInjectable(d.fault, LAB_SIM), undefined, d.id);
      const recorded = await injectFault(ports, d.fault.kind, d.fault.target);
      const said = injectionMethod(d.fault, { ...LAB_SIM }).split('; then ')[0]!.replace('every node', 'pi1, pi2, pi3');
      assert.ok(recorded.startsWith(said), `${d.id}: "${recorded}" is what "${said}" announced`);
    }
  });
});
