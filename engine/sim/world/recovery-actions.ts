import { ControlError } from './control-error.ts';
import { revertBrokenRef } from './gitops-drill.ts';
import type { Lab } from './lab.ts';
import { LonghornConflict } from './longhorn.ts';

/**
 * Recovery steps that have no real protocol in lab-sim (no SSH to the nodes; the backups are
 * template databases, not the dump files lab-tui's pg_restore reads) or a tool lab-tui does not drive (the gitops revert, a real `git revert`
 * pushed): the runbook engine calls them through the control API. Vault
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

  /** The database copied back from its newest backup (a template database) on the real server. */
  async restoreDatabase(database: unknown): Promise<object> {
    const names = this.lab.world.topology.postgres.databases.map((d) => d.name);
    if (typeof database !== 'string' || !names.includes(database)) throw new ControlError(400, `unknown database ${JSON.stringify(database)}; valid: ${names.join(', ')}`);
    if (!this.lab.postgres.isUp()) throw new ControlError(409, `PostgreSQL on ${this.lab.postgres.node} is down; start it first`);
    const { backup, done } = this.lab.postgres.restore(database);
    this.lab.world.settle();
    await done.catch((err: Error) => {
      throw new ControlError(409, `restore of ${database} from ${backup.name} failed: ${err.message}`);
    });
    return { database, restoredFrom: backup.name, backupTakenAt: new Date(backup.takenAt).toISOString(), rows: this.lab.postgres.database(database)?.rows ?? null };
  }

  async revertGitops(app: unknown): Promise<object> {
    const { gitea, world } = this.lab;
    const names = world.topology.argocd.apps.map((a) => a.name);
    if (typeof app !== 'string' || !names.includes(app)) throw new ControlError(400, `unknown app ${JSON.stringify(app)}; valid: ${names.join(', ')}`);
    if (!gitea.isUp()) throw new ControlError(409, `Gitea on ${gitea.node} is down; cannot push the revert`);
    const commit = await revertBrokenRef(this.lab, app);
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
