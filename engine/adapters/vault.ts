import fs from 'node:fs';
import nodeVault from 'node-vault';
import { guardedHttpAgent, guardedHttpsAgent, type SocketPolicy } from './socket-policy.ts';

/** The verified Vault endpoint and the sandbox key file the guard accepted. */
export interface VaultEndpoint {
  address: string;
  keyFile: string;
  marker: { mount: string; path: string; key: string; value: string };
}

export interface SealStatus {
  sealed: boolean;
  initialized: boolean;
  version?: string;
  clusterName?: string;
  threshold: number;
  shares: number;
  progress: number;
}

export interface VaultAdapter {
  readonly address: string;
  sealStatus(): Promise<SealStatus>;
  /** Unseals with the sandbox key; the key is read from the key file here and never returned. */
  unseal(): Promise<SealStatus>;
  seal(): Promise<void>;
  /** Raw marker read, used by the guard to verify the sandbox before anything else. */
  readMarkerValue(): Promise<string | undefined>;
  /** Verifies the marker once per connection; rejects with GuardRefusal for a foreign Vault. */
  verify(): Promise<void>;
  read(path: string): Promise<unknown>;
  /** Writes with the sandbox root token, after verifying the marker and re-checking the target. */
  write(path: string, body: object): Promise<unknown>;
  remove(path: string): Promise<void>;
}

interface KeyFile {
  unseal_keys_b64?: string[];
  unseal_keys_hex?: string[];
  root_token?: string;
}

function readKeyFile(file: string): KeyFile {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile;
}

type Agents = { httpAgent: unknown; httpsAgent: unknown };

/**
 * node-vault falls back to VAULT_ADDR/VAULT_TOKEN/VAULT_NAMESPACE from the environment
 * when an option is empty, so every option is passed explicitly. Its generated methods spread
 * `requestOptions` into each request: that is where the guarded agents go.
 */
function client(ep: VaultEndpoint, token: string | undefined, agents: Agents) {
  return nodeVault({ apiVersion: 'v1', endpoint: ep.address, token: token ?? 'none', pathPrefix: '', namespace: '', requestOptions: { timeout: 5000, ...agents } as never });
}

interface RawSealStatus {
  sealed: boolean;
  initialized: boolean;
  version?: string;
  cluster_name?: string;
  t: number;
  n: number;
  progress: number;
}

function toStatus(s: RawSealStatus): SealStatus {
  return { sealed: s.sealed, initialized: s.initialized, version: s.version, clusterName: s.cluster_name, threshold: s.t, shares: s.n, progress: s.progress };
}

export function createVaultAdapter(ep: VaultEndpoint, hooks: { recheck: () => void; verify: () => Promise<void> }, policy: SocketPolicy): VaultAdapter {
  const agents: Agents = { httpAgent: guardedHttpAgent(policy), httpsAgent: guardedHttpsAgent(policy) };
  const authed = () => client(ep, readKeyFile(ep.keyFile).root_token, agents);
  const anonymous = client(ep, undefined, agents);
  return {
    address: ep.address,
    sealStatus: async () => toStatus((await anonymous.status()) as RawSealStatus),
    async unseal() {
      hooks.recheck();
      const keys = readKeyFile(ep.keyFile);
      const key = keys.unseal_keys_b64?.[0] ?? keys.unseal_keys_hex?.[0];
      if (!key) throw new Error(`${ep.keyFile}: no unseal key (expected unseal_keys_b64 as written by vault operator init -format=json)`);
      return toStatus((await anonymous.unseal({ key })) as RawSealStatus);
    },
    async seal() {
      hooks.recheck();
      await hooks.verify();
      await authed().request({ path: '/sys/seal', method: 'PUT', ...agents });
    },
    async readMarkerValue() {
      const res = (await authed().read(`${ep.marker.mount}/data/${ep.marker.path}`)) as { data?: { data?: Record<string, unknown> } };
      const v = res.data?.data?.[ep.marker.key];
      return typeof v === 'string' ? v : undefined;
    },
    verify: () => hooks.verify(),
    async read(path) {
      await hooks.verify();
      return authed().read(path);
    },
    async write(path, body) {
      hooks.recheck();
      await hooks.verify();
      return authed().write(path, body);
    },
    async remove(path) {
      hooks.recheck();
      await hooks.verify();
      await authed().delete(path);
    },
  };
}
