import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';

export const GATE_FIXTURES = path.resolve('test/gates/fixtures');

/**
 * A copy of lab-sim's configuration in `dir` with `sandbox.gates` (and other `sandbox` keys)
 * replaced; relative paths in it are relative to `dir`, as in an operator's file.
 */
export function configWith(simConfig: string, dir: string, sandbox: Record<string, unknown>): string {
  const c = parse(fs.readFileSync(simConfig, 'utf8'));
  Object.assign(c.sandbox, sandbox);
  const file = path.join(dir, 'config.yaml');
  fs.writeFileSync(file, stringify(c));
  return file;
}

/**
 * A sandbox directory already in the state fixtures/ansible/idempotent.yml wants, and an
 * inventory (localhost over the local connection) pointing at it: the playbook changes nothing.
 */
export function convergedInventory(dir: string): string {
  const base = path.join(dir, 'sandbox');
  fs.mkdirSync(path.join(base, 'state'), { recursive: true, mode: 0o755 });
  fs.chmodSync(base, 0o755);
  fs.chmodSync(path.join(base, 'state'), 0o755);
  fs.writeFileSync(path.join(base, 'motd'), 'welcome to the lab\nconverged\n', { mode: 0o644 });
  const inventory = path.join(dir, 'inventory.ini');
  fs.writeFileSync(inventory, `localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3 base=${base}\n`);
  return inventory;
}
