import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document, isMap, isSeq, stringify } from 'yaml';
import { PACKAGE_ROOT } from '../common/package-root.ts';

export interface StateFiles {
  kubeconfig: string;
  /** The read-only identity (ServiceAccount kube-system/lab-sim-viewer, ClusterRole view): context `lab-sim-viewer`. */
  viewerKubeconfig: string;
  env: string;
  config: string;
  keyFile: string;
  /** The PostgreSQL superuser's password (0600), for lab-tui's `postgres.passwordFile`. */
  postgresPassword: string;
  /** Gitea's API token (0600), for lab-tui's `gitea.tokenFile`. */
  giteaToken: string;
  control: string;
}

export interface StateFileInput {
  stateDir: string;
  urls: { kube: string; vault: string; control: string; gitea: string; stepca: string };
  /** Traefik's websecure entrypoint and the TLS endpoints outside the cluster, as lab-tui dials them. */
  tls: { traefik: string; endpoints: { name: string; address: string }[] };
  postgres: { host: string; port: number };
  postgresPassword: string;
  /** The API token for repository writes and the org the lab's repos live in. */
  gitea: { token: string; owner: string };
  /** The runbooks clone in the state directory and the Gitea repository it pushes to. */
  runbooks?: { path: string; remote: string };
  bearerToken: string;
  /** The long-lived token of the viewer's ServiceAccount token Secret. */
  viewerToken: string;
  unsealKey: Buffer;
  rootToken: string;
  dnsZone: string;
}

export function stateFilePaths(stateDir: string): StateFiles {
  return {
    kubeconfig: join(stateDir, 'kubeconfig'),
    viewerKubeconfig: join(stateDir, 'kubeconfig-viewer'),
    env: join(stateDir, 'env'),
    config: join(stateDir, 'config.yaml'),
    keyFile: join(stateDir, 'cluster-keys.json'),
    postgresPassword: join(stateDir, 'postgres-password'),
    giteaToken: join(stateDir, 'gitea-token'),
    control: join(stateDir, 'control.json'),
  };
}

/** The files a real sandbox bootstrap leaves behind, pointing at lab-sim's listeners. */
export function writeStateFiles(input: StateFileInput): StateFiles {
  const files = stateFilePaths(input.stateDir);
  const { stateDir, urls } = input;
  mkdirSync(join(stateDir, 'evidence'), { recursive: true });

  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    // client-node 1.x refuses an http:// server unless TLS verification is explicitly off.
    clusters: [{ name: 'lab-sim', cluster: { server: urls.kube, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'lab-sim-operator', user: { token: input.bearerToken } }],
    contexts: [{ name: 'lab-sim', context: { cluster: 'lab-sim', user: 'lab-sim-operator' } }],
    'current-context': 'lab-sim',
    preferences: {},
  };
  writeFileSync(files.kubeconfig, stringify(kubeconfig), { mode: 0o600 });
  const viewer = {
    ...kubeconfig,
    users: [{ name: 'lab-sim-viewer', user: { token: input.viewerToken } }],
    contexts: [{ name: 'lab-sim-viewer', context: { cluster: 'lab-sim', user: 'lab-sim-viewer' } }],
    'current-context': 'lab-sim-viewer',
  };
  writeFileSync(files.viewerKubeconfig, stringify(viewer), { mode: 0o600 });
  chmodSync(files.viewerKubeconfig, 0o600);

  // Same shape as `vault operator init -format=json` with one share and threshold 1.
  const keys = {
    unseal_keys_b64: [input.unsealKey.toString('base64')],
    unseal_keys_hex: [input.unsealKey.toString('hex')],
    unseal_shares: 1,
    unseal_threshold: 1,
    recovery_keys_b64: [],
    recovery_keys_hex: [],
    recovery_keys_shares: 0,
    recovery_keys_threshold: 0,
    root_token: input.rootToken,
  };
  writeFileSync(files.keyFile, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });

  // `mode` only applies to a new file: a reused state dir must not keep a wider one.
  for (const [file, secret] of [[files.postgresPassword, input.postgresPassword], [files.giteaToken, input.gitea.token]] as const) {
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }

  // psql and friends read PGHOST/PGPORT/PGUSER; the password stays in its file, out of the environment.
  const { host, port } = input.postgres;
  writeFileSync(files.env, `export KUBECONFIG=${files.kubeconfig}\nexport VAULT_ADDR=${urls.vault}\nexport LAB_SANDBOX_KEY_FILE=${files.keyFile}\nexport PGHOST=${host}\nexport PGPORT=${port}\nexport PGUSER=postgres\n`);
  writeFileSync(files.config, labTuiConfig(input, files));
  writeFileSync(files.control, JSON.stringify({ url: urls.control, pid: process.pid }) + '\n');
  return files;
}

/**
 * How the lab-sim sandbox's tools are invoked: this package's own CLI, by absolute path, so the
 * commands work whether or not `lab-tui` is on the PATH of the process that runs them.
 */
const SELF = `'${process.execPath}' '${join(PACKAGE_ROOT, 'bin', 'lab-tui.js')}'`;

function labTuiConfig(input: StateFileInput, files: StateFiles): string {
  const { stateDir, urls } = input;
  const sim = (args: string) => `${SELF} sim ${args} --state-dir '${stateDir}'`;
  const config = {
    sandbox: {
      name: 'lab-sim',
      kubernetes: { kubeconfig: files.kubeconfig, context: 'lab-sim', server: urls.kube, marker: { namespace: 'kube-system', name: 'lab-sandbox-identity', key: 'env', value: 'sandbox' } },
      vault: { address: urls.vault, keyFile: files.keyFile, marker: { mount: 'secret', path: 'lab/identity', key: 'env', value: 'sandbox' } },
      postgres: { host: input.postgres.host, port: input.postgres.port, user: 'postgres', database: 'postgres', passwordFile: files.postgresPassword },
      gitea: { url: urls.gitea, owner: input.gitea.owner, tokenFile: files.giteaToken },
      // The runbook PR flow pushes there and opens its draft PR with gitea.tokenFile.
      ...(input.runbooks ? { runbooks: input.runbooks } : {}),
      // The Ingress hosts resolve to Traefik on a real lab; here its entrypoint is a loopback port.
      stepca: { url: urls.stepca, endpoints: input.tls.endpoints, ingressAddress: input.tls.traefik },
      dns: { zone: input.dnsZone },
      power: { stop: sim('fault node-stop {node}'), start: sim('fault node-start {node}') },
      // A real lab runs `ssh pi1 step ca init …`; lab-sim's Step-CA is re-initialised through its control API.
      faults: { 'ca-reinit': sim('fault ca-reinit') },
      evidenceDir: join(stateDir, 'evidence'),
      simulator: { control: urls.control },
      recovery: {
        'longhorn.inject-block-device': sim('recover longhorn-inject {volume}'),
        'postgres.restore': sim('recover postgres-restore {database}'),
        'argocd.rollback': sim('recover gitops-revert {app}'),
        'pki.reissue': sim('recover stepca-reissue'),
      },
    },
    prod: {
      contexts: ['arcodange-prod', 'default'],
      servers: ['https://192.168.1.10:6443'],
      vault: ['https://vault.arcodange.lab', 'http://192.168.1.10:8200'],
      keyFiles: ['~/.arcodange/cluster-keys.json'],
      dnsZones: ['arcodange.lab'],
      postgres: ['192.168.1.12:5432'],
      gitea: ['https://gitea.arcodange.lab'],
      gitRemotes: ['gitea.arcodange.lab'],
    },
  };
  const doc = new Document(config);
  const flow = (...path: string[]) => {
    const node = doc.getIn(path, true);
    if (isMap(node) || isSeq(node)) node.flow = true;
  };
  flow('sandbox', 'kubernetes', 'marker');
  flow('sandbox', 'vault', 'marker');
  for (const key of ['postgres', 'gitea', 'stepca', 'dns', 'simulator']) flow('sandbox', key);
  for (const key of Object.keys(config.prod)) flow('prod', key);
  // Flow maps keep their inner spaces, flow lists lose them: the layout lab-tui's docs show.
  const body = doc.toString({ lineWidth: 0 }).replace(/\[ (.*) \]$/gm, '[$1]');
  return `# lab-tui configuration for the lab-sim sandbox in ${stateDir}\n${body}`;
}
