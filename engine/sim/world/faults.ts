import { ControlError } from './control-error.ts';
import { pushBrokenRef } from './gitops-drill.ts';
import type { Lab } from './lab.ts';

export const FAULT_KINDS = ['node-stop', 'node-start', 'power-cut', 'power-restore', 'vault-seal', 'volume-corrupt', 'db-drop', 'bad-sync', 'ca-reinit'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRecord {
  at: number;
  kind: FaultKind;
  target?: string;
}

function oneOf(what: string, value: string | undefined, valid: string[]): string {
  if (value === undefined || value === '') throw new ControlError(400, `${what} needs a target; valid: ${valid.join(', ')}`);
  if (!valid.includes(value)) throw new ControlError(400, `unknown ${what} target "${value}"; valid: ${valid.join(', ')}`);
  return value;
}

/** The chaos drills' injections, applied to the models exactly once and recorded. */
export class Faults {
  readonly history: FaultRecord[] = [];
  private powerCut = false;

  constructor(private readonly lab: Lab) {}

  validTargets(kind: FaultKind): string[] {
    const t = this.lab.world.topology;
    switch (kind) {
      case 'node-stop':
      case 'node-start':
        return this.lab.power.names();
      case 'volume-corrupt':
        return t.longhorn.volumes.map((v) => v.name);
      case 'db-drop':
        return t.postgres.databases.map((d) => d.name);
      case 'bad-sync':
        return t.argocd.apps.map((a) => a.name);
      default:
        return [];
    }
  }

  async inject(kindText: string, target?: string): Promise<FaultRecord> {
    if (!(FAULT_KINDS as readonly string[]).includes(kindText)) {
      throw new ControlError(400, `unknown fault kind "${kindText}"; valid kinds: ${FAULT_KINDS.join(', ')}`);
    }
    const kind = kindText as FaultKind;
    const valid = this.validTargets(kind);
    const chosen = valid.length ? oneOf(kind, target, valid) : undefined;
    if (!valid.length && target) throw new ControlError(400, `fault ${kind} takes no target (got "${target}")`);
    await this.apply(kind, chosen);
    const record = { at: this.lab.world.now(), kind, ...(chosen ? { target: chosen } : {}) };
    this.history.push(record);
    this.lab.world.settle();
    return record;
  }

  private restorePower(): void {
    this.powerCut = false;
    this.lab.longhorn.scheduleReinstall(this.lab.power.bootDoneAt(this.lab.power.controlPlaneNode()));
  }

  /** Synchronous but for the broken ref, which is a real commit. */
  private async apply(kind: FaultKind, target: string | undefined): Promise<void> {
    const { power, vault, longhorn, postgres, gitea, stepca } = this.lab;
    switch (kind) {
      case 'node-stop':
        return power.powerOff(target as string);
      case 'node-start':
        power.powerOn(target as string);
        // After a power cut the operator powers the VMs back one by one (the power command
        // templates): once all are on again, that is the power restore.
        if (this.powerCut && power.names().every((n) => power.isPowered(n))) this.restorePower();
        return;
      case 'power-cut':
        this.powerCut = true;
        for (const n of power.names()) power.powerOff(n);
        return;
      case 'power-restore': {
        if (!this.powerCut) throw new ControlError(409, 'power-restore follows a power-cut; use node-start to boot a single node');
        for (const n of power.names()) power.powerOn(n);
        this.restorePower();
        return;
      }
      case 'vault-seal':
        if (!vault.running) throw new ControlError(409, 'Vault is not running (its pod is down); nothing to seal');
        return vault.seal();
      case 'volume-corrupt':
        if (!longhorn.ready) throw new ControlError(409, 'Longhorn is not running; bring the cluster up first');
        return longhorn.corrupt(target as string);
      case 'db-drop':
        if (!postgres.isUp()) throw new ControlError(409, `PostgreSQL on ${postgres.node} is down; nothing to drop`);
        return postgres.drop(target as string);
      case 'bad-sync': {
        if (!gitea.isUp()) throw new ControlError(409, `Gitea on ${gitea.node} is down; cannot push the broken ref`);
        await pushBrokenRef(this.lab, target as string);
        return;
      }
      case 'ca-reinit':
        if (!stepca.isUp()) throw new ControlError(409, 'Step-CA is not running; it cannot be re-initialised');
        return stepca.reinit();
    }
  }
}
