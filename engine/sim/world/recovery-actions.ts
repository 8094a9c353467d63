import { ControlError } from './control-error.ts';
import type { Lab } from './lab.ts';
import { LonghornConflict } from './longhorn.ts';

/**
 * Recovery steps that have no real protocol in lab-sim (no SSH to the nodes, no pg_restore
 * wire protocol, no git push): the runbook engine calls them through the control API. Vault
 * unseal, VSO re-auth and scaling go through the real Vault and Kubernetes APIs instead.
 */
export class RecoveryActions {
  constructor(private readonly lab: Lab) {}

  private volume(name: unknown): string {
    const names = this.lab.world.topology.longhorn.volumes.map((v) => v.name);
    if (typeof name !== 'string' || !names.includes(name)) throw new ControlError(400, `unknown volume ${JSON.stringify(name)}; valid: ${names.join(', ')}`);
    return name;
  }

  private longhorn<T>(action: () => T): T {
    try {
      return action();
    } catch (err) {
      if (err instanceof LonghornConflict) throw new ControlError(409, err.message);
      throw err;
    }
  }

  injectBlockDevice(volumeName: unknown): object {
    const volume = this.volume(volumeName);
    const op = this.longhorn(() => this.lab.longhorn.injectBlockDevice(volume, this.lab.kubelet.podAlive));
    this.lab.world.settle();
    return { volume, method: 'block-device-injection', source: { node: op.source.node, dir: op.source.dir }, attachedInMaintenanceOn: op.node, completesAt: new Date(op.doneAt).toISOString() };
  }

  renameOrphan(volumeName: unknown): object {
    const volume = this.volume(volumeName);
    const { renamed } = this.longhorn(() => this.lab.longhorn.renameOrphan(volume));
    this.lab.world.settle();
    return { volume, method: 'rename-orphan', renamed: { node: renamed.node, dir: renamed.dir }, dataLost: true };
  }

  restoreDatabase(database: unknown): object {
    const names = this.lab.world.topology.postgres.databases.map((d) => d.name);
    if (typeof database !== 'string' || !names.includes(database)) throw new ControlError(400, `unknown database ${JSON.stringify(database)}; valid: ${names.join(', ')}`);
    if (!this.lab.postgres.isUp()) throw new ControlError(409, `PostgreSQL on ${this.lab.postgres.node} is down; start it first`);
    const backup = this.lab.postgres.restore(database);
    this.lab.world.settle();
    return { database, restoredFrom: backup.location, backupTakenAt: new Date(backup.takenAt).toISOString(), rows: backup.rows };
  }

  revertGitops(app: unknown): object {
    const { gitea, world } = this.lab;
    const names = world.topology.argocd.apps.map((a) => a.name);
    if (typeof app !== 'string' || !names.includes(app)) throw new ControlError(400, `unknown app ${JSON.stringify(app)}; valid: ${names.join(', ')}`);
    if (!gitea.isUp()) throw new ControlError(409, `Gitea on ${gitea.node} is down; cannot push the revert`);
    const broken = gitea.head(gitea.gitopsRepo()).brokenApps;
    if (!broken.includes(app)) throw new ControlError(409, `the gitops head has nothing to revert for ${app}`);
    const commit = gitea.pushGitops(`Revert "drill(argocd-bad-sync): break ${app}"`, broken.filter((a) => a !== app));
    world.settle();
    return { app, revertCommit: commit.sha };
  }

  reissueCertificates(): object {
    if (!this.lab.stepca.isUp()) throw new ControlError(409, 'Step-CA is not running');
    const certs = this.lab.stepca.reissueAll();
    this.lab.world.settle();
    return { reissued: certs.map((c) => ({ name: c.name, serial: c.serial, notAfter: new Date(c.notAfter).toISOString() })) };
  }
}
