import assert from 'node:assert/strict';
import dns from 'node:dns';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { commandHosts, scanCommand, vetCommand, type CommandFinding, type ProdIdentity } from '../../src/guard/command-scan.ts';
import { prodHostsFrom } from '../../src/guard/prod-hosts.ts';

let dir: string;
let prod: ProdIdentity;
let keyFile: string;
let prodKubeconfig: string;
let prodServerKubeconfig: string;
let sandboxKubeconfig: string;

const kubeconfig = (context: string, server: string) =>
  stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': context, contexts: [{ name: context, context: { cluster: 'c', user: 'u' } }], clusters: [{ name: 'c', cluster: { server } }], users: [{ name: 'u', user: { token: 'x' } }] });

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'command-scan-'));
  const home = path.join(dir, 'home');
  fs.mkdirSync(path.join(home, '.arcodange'), { recursive: true });
  keyFile = path.join(home, '.arcodange', 'cluster-keys.json');
  fs.writeFileSync(keyFile, '{"root_token":"prod"}');
  fs.symlinkSync(keyFile, path.join(home, 'keys-link.json'));
  fs.writeFileSync(path.join(home, 'sandbox-keys.json'), '{"root_token":"sandbox"}');
  fs.mkdirSync(path.join(home, '.kube'));
  prodKubeconfig = path.join(home, '.kube', 'prod');
  fs.writeFileSync(prodKubeconfig, kubeconfig('arcodange-prod', 'https://192.168.1.10:6443'));
  prodServerKubeconfig = path.join(dir, 'renamed');
  fs.writeFileSync(prodServerKubeconfig, kubeconfig('innocent', 'https://2130706434:8200'));
  sandboxKubeconfig = path.join(dir, 'sandbox');
  fs.writeFileSync(sandboxKubeconfig, kubeconfig('lab-sim', 'https://127.0.0.1:6443'));
  fs.writeFileSync(path.join(dir, 'broken'), 'contexts: [unclosed');
  prod = {
    hosts: prodHostsFrom([
      { entry: 'http://127.0.0.2:8200', list: 'prod.vault', host: '127.0.0.2', addresses: ['127.0.0.2'] },
      { entry: 'https://192.168.1.10:6443', list: 'prod.servers', host: '192.168.1.10', addresses: ['192.168.1.10'] },
      { entry: 'https://gitea.arcodange.lab', list: 'prod.gitea', host: 'gitea.arcodange.lab', addresses: [] },
      { entry: '192.168.1.12:5432', list: 'prod.postgres', host: '192.168.1.12', addresses: ['192.168.1.12'] },
    ]),
    contexts: ['arcodange-prod', 'default'],
    servers: ['https://192.168.1.10:6443'],
    keyFiles: [keyFile],
    dnsZones: ['arcodange.lab'],
    sandboxZone: 'sandbox.arcodange.lab',
    home,
  };
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const rules = (command: string) => scanCommand(command, prod).map((f) => `${f.rule} ${f.token}`);
const has = (command: string, rule: CommandFinding['rule'], token: string) =>
  assert.ok(rules(command).includes(`${rule} ${token}`), `${command}: expected ${rule} ${token}, got ${JSON.stringify(rules(command))}`);

describe('command.host', () => {
  const cases: [string, string][] = [
    ['curl https://[::ffff:127.0.0.2]:8200/v1/sys/health', 'https://[::ffff:127.0.0.2]:8200/v1/sys/health'],
    ['curl http://2130706434:6443/version', 'http://2130706434:6443/version'],
    ['curl -k https://192.168.1.10:6443/', 'https://192.168.1.10:6443/'],
    ['curl http://%31%32%37.0.0.2:8200/', 'http://%31%32%37.0.0.2:8200/'],
    ['psql postgres://admin@3232235788:5432/erp', 'postgres://admin@3232235788:5432/erp'],
    ['psql -h 127.2', '127.2'],
    ['psql -h 2130706434 -p 5432', '2130706434'],
    ['psql --host=0177.0.0.2', '0177.0.0.2'],
    ['mysql -h127.0.0.2 -uroot', '127.0.0.2'],
    ['ping 0x7f.0.0.2', '0x7f.0.0.2'],
    ['ping6 ::ffff:7f00:2', '::ffff:7f00:2'],
    ['ssh pi@192.168.1.12', 'pi@192.168.1.12'],
    ['ssh pi@[::ffff:192.168.1.12] uptime', 'pi@[::ffff:192.168.1.12]'],
    ['nc 192.168.1.12:5432', '192.168.1.12:5432'],
    ['scp dump.sql 192.168.1.12:/tmp/', '192.168.1.12:/tmp/'],
    ['git clone git@gitea.arcodange.lab:arcodange/infra.git', 'git@gitea.arcodange.lab:arcodange/infra.git'],
    ['VAULT_ADDR=https://127.0.0.2:8200 vault status', 'https://127.0.0.2:8200'],
    ['export PGHOST=192.168.1.12', '192.168.1.12'],
    ['vault status -address=http://127.0.0.2:8200', 'http://127.0.0.2:8200'],
    ['echo see 127.0.0.2, then stop', '127.0.0.2'],
    ['curl https://Gitea.Arcodange.Lab./api/v1/version', 'https://Gitea.Arcodange.Lab./api/v1/version'],
    ['ssh sandbox "psql -h 192.168.1.12 -c \'select 1\'"', '192.168.1.12'],
    ['bash -c \'curl -s http://127.0.0.2:8200/v1/sys/health\'', 'http://127.0.0.2:8200/v1/sys/health'],
    ['echo "$(curl -s http://127.0.0.2:8200)"', 'http://127.0.0.2:8200'],
    ['curl \\\n  http://127.0.0.2:8200/v1/sys/seal-status | jq .sealed', 'http://127.0.0.2:8200/v1/sys/seal-status'],
  ];
  for (const [command, token] of cases) it(command, () => has(command, 'command.host', token));

  it('says which prod host, in which list', () => {
    const [f] = scanCommand('psql -h 127.2', prod);
    assert.deepEqual(f, { rule: 'command.host', token: '127.2', reason: '127.2 reaches the prod host http://127.0.0.2:8200 (prod.vault)' });
  });

  it('scans every line of a runbook block, in order', () => {
    const script = [
      '#!/bin/sh',
      'set -eu',
      'kubectl --context lab-sim get nodes',
      'cat <<EOF > /tmp/probe.sh',
      'curl -s http://127.0.0.2:8200/v1/sys/health',
      'EOF',
      'ssh pi@192.168.1.12 \'sudo systemctl restart k3s\'',
    ].join('\n');
    assert.deepEqual(rules(script), ['command.host http://127.0.0.2:8200/v1/sys/health', 'command.host pi@192.168.1.12']);
  });
});

describe('command.context', () => {
  for (const command of [
    'kubectl --context arcodange-prod get nodes',
    'kubectl --context=arcodange-prod get nodes',
    'helm --kube-context arcodange-prod list',
    'kubectl --cluster arcodange-prod get pods',
    'kubectl config use-context arcodange-prod',
    'kubectl config set-context arcodange-prod --namespace=tools',
    'kubectl get pods --context "arcodange-prod"',
  ])
    it(command, () => has(command, 'command.context', 'arcodange-prod'));

  it('reads the flag with the context', () => {
    assert.deepEqual(scanCommand('kubectl --context=default get pods', prod), [
      { rule: 'command.context', token: 'default', reason: '--context default names a prod context (prod.contexts)' },
    ]);
  });
});

describe('command.server', () => {
  for (const [command, token] of [
    ['kubectl --server https://192.168.1.10:6443 get nodes', 'https://192.168.1.10:6443'],
    ['kubectl --server=HTTPS://192.168.1.10:6443/ get nodes', 'HTTPS://192.168.1.10:6443/'],
    ['kubectl -s https://192.168.1.10:6443 get nodes', 'https://192.168.1.10:6443'],
    ['kubectl -s https://3232235786:443 get nodes', 'https://3232235786:443'],
    ['kubectl --server 127.0.0.2:6443 get nodes', '127.0.0.2:6443'],
  ])
    it(command!, () => has(command!, 'command.server', token!));

  it('-s means --server only for kubectl', () => {
    assert.deepEqual(rules('curl -s https://192.168.1.10:6443/version'), ['command.host https://192.168.1.10:6443/version']);
  });
});

describe('command.kubeconfig', () => {
  it('a file that defines a prod context', () => {
    has(`kubectl --kubeconfig ${prodKubeconfig} get nodes`, 'command.kubeconfig', prodKubeconfig);
    has(`kubectl --kubeconfig=${prodKubeconfig} get nodes`, 'command.kubeconfig', prodKubeconfig);
    has('kubectl --kubeconfig ~/.kube/prod get nodes', 'command.kubeconfig', '~/.kube/prod');
    has('KUBECONFIG=$HOME/.kube/prod kubectl get nodes', 'command.kubeconfig', '$HOME/.kube/prod');
  });
  it('a file whose cluster is a prod server or on a prod host, in a KUBECONFIG list', () => {
    const command = `KUBECONFIG=${sandboxKubeconfig}:\${HOME}/.kube/prod:${prodServerKubeconfig} kubectl get nodes`;
    assert.deepEqual(
      scanCommand(command, prod).filter((f) => f.rule === 'command.kubeconfig').map((f) => f.token),
      ['${HOME}/.kube/prod', prodServerKubeconfig],
    );
    assert.match(scanCommand(`kubectl --kubeconfig ${prodServerKubeconfig} get ns`, prod)[0]!.reason, /server https:\/\/2130706434:8200 is on the prod host http:\/\/127.0.0.2:8200 \(prod.vault\)/);
  });
  it('ignores sandbox, missing, unparsable and relative files', () => {
    assert.deepEqual(rules(`KUBECONFIG=${sandboxKubeconfig}:${dir}/missing:${dir}/broken:.kube/prod kubectl get nodes`), []);
  });
});

describe('command.keyFile', () => {
  it('the prod key file, by any path that reaches it', () => {
    has(`cat ${keyFile}`, 'command.keyFile', keyFile);
    has('jq -r .root_token ~/.arcodange/cluster-keys.json', 'command.keyFile', '~/.arcodange/cluster-keys.json');
    has('cat "$HOME/.arcodange/../.arcodange/cluster-keys.json"', 'command.keyFile', '$HOME/.arcodange/../.arcodange/cluster-keys.json');
    has('cat ~/keys-link.json', 'command.keyFile', '~/keys-link.json');
    has('VAULT_KEYS=${HOME}/keys-link.json ./unseal.sh', 'command.keyFile', '${HOME}/keys-link.json');
    has('curl -d @~/keys-link.json http://127.0.0.1:8200', 'command.keyFile', '@~/keys-link.json');
  });
  it('not another key file', () => assert.deepEqual(rules('cat ~/sandbox-keys.json'), []));
});

describe('command.dnsZone', () => {
  for (const [command, token] of [
    ['dig erp.arcodange.lab', 'erp.arcodange.lab'],
    ['nslookup ARCODANGE.LAB.', 'ARCODANGE.LAB.'],
    ['curl https://Vault.Arcodange.Lab./v1/sys/health', 'https://Vault.Arcodange.Lab./v1/sys/health'],
    ['ssh ops@pi1.arcodange.lab', 'ops@pi1.arcodange.lab'],
    ['dig @ns1.arcodange.lab sandbox.arcodange.lab', '@ns1.arcodange.lab'],
    ['host sandbox.arcodange.lab.example.arcodange.lab', 'sandbox.arcodange.lab.example.arcodange.lab'],
  ])
    it(command!, () => has(command!, 'command.dnsZone', token!));

  it('a prod host named in the zone is both', () => {
    assert.deepEqual(rules('curl https://gitea.arcodange.lab/api'), ['command.host https://gitea.arcodange.lab/api', 'command.dnsZone https://gitea.arcodange.lab/api']);
  });
  it('the sandbox zone is not prod', () => {
    assert.deepEqual(rules('dig erp.sandbox.arcodange.lab; curl https://vault.Sandbox.Arcodange.Lab./v1; dig sandbox.arcodange.lab'), []);
  });
});

describe('the sandbox’s own commands', () => {
  for (const command of [
    'kubectl --context lab-sim get nodes',
    'curl http://127.0.0.1:8200/v1/sys/health',
    'psql -h 127.0.0.1 -p 5432',
    'dig erp.sandbox.arcodange.lab',
    'sleep 10',
    'cat manifests/lab.yaml',
    'ansible-playbook playbooks/recover/longhorn_data.yml -e volume={volume}',
    'kubectl -n default get pods',
    'limactl stop {node}',
    'ssh {user}@{node} sudo reboot',
    'kubectl --kubeconfig ./kubeconfig get nodes',
    'head -n 10 notes.txt # a comment about prod at 127.0.0.2 is not a command',
    'kubectl scale deploy/erp --replicas=10',
  ])
    it(command, () => assert.deepEqual(scanCommand(command, prod), []));
});

describe('commandHosts', () => {
  it('names in host positions, lower case, deduplicated, without literal addresses', () => {
    assert.deepEqual(
      commandHosts('curl https://Vault-Alias.Test:8200/v1 && ssh pi@Pi1.Local uptime; psql -h db.internal -p 5432; VAULT_ADDR=http://vault-alias.test vault status; scp x backup.host:/srv; curl http://127.0.0.2/; kubectl --server=https://api.internal:6443 get ns; redis-cli -h cache'),
      ['vault-alias.test', 'pi1.local', 'db.internal', 'backup.host', 'api.internal', 'cache'],
    );
  });
  it('not ordinary words or file names', () => {
    assert.deepEqual(commandHosts('cat manifests/lab.yaml values.yaml; sleep 10; kubectl -n default get pods'), []);
  });
});

describe('vetCommand', () => {
  const lookup = dns.lookup;
  before(() => {
    const fake = (name: string, _options: unknown, callback: (err: Error | null, found: { address: string; family: number }[]) => void) => {
      if (name === 'vault-alias.test') callback(null, [{ address: '::ffff:127.0.0.2', family: 6 }]);
      else callback(Object.assign(new Error(`ENOTFOUND ${name}`), { code: 'ENOTFOUND' }), []);
    };
    (dns as { lookup: unknown }).lookup = fake;
  });
  after(() => {
    dns.lookup = lookup;
  });

  it('refuses a name that resolves to a prod address, naming both spellings', async () => {
    const found = await vetCommand('curl -s http://vault-alias.test:8200/v1/sys/health', prod);
    assert.deepEqual(found, [
      {
        rule: 'command.host',
        token: 'http://vault-alias.test:8200/v1/sys/health',
        reason: 'http://vault-alias.test:8200/v1/sys/health names vault-alias.test, which resolves to 127.0.0.2, the prod host http://127.0.0.2:8200 (prod.vault)',
      },
    ]);
  });
  it('keeps the synchronous findings and passes names that resolve elsewhere or not at all', async () => {
    assert.deepEqual(
      (await vetCommand('kubectl --context arcodange-prod get ns; ping -c 1 vault-alias.test; curl http://nowhere.test', prod)).map((f) => `${f.rule} ${f.token}`),
      ['command.context arcodange-prod', 'command.host vault-alias.test'],
    );
    assert.equal((await vetCommand('ping vault-alias.test', prod))[0]?.reason, 'vault-alias.test resolves to 127.0.0.2, the prod host http://127.0.0.2:8200 (prod.vault)');
    assert.deepEqual(await vetCommand('curl http://nowhere.test/ && psql -h 127.0.0.1', prod), []);
  });
});
