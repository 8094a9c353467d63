import type { HttpService } from '../adapters/http-service.ts';
import type { PostgresAdapter } from '../adapters/postgres.ts';
import type { VaultAdapter } from '../adapters/vault.ts';
import type { RawState } from './build-snapshot.ts';
import type { SourceId } from './types.ts';

/** A source read on an interval (what cannot be watched), with a timeout per read. */
export interface Probe {
  id: SourceId;
  read(timeoutMs: number): Promise<Partial<RawState>>;
}

export function vaultProbe(vault: VaultAdapter): Probe {
  return {
    id: 'vault',
    async read() {
      const s = await vault.sealStatus();
      // The marker can only be read once unsealed; it is read before anything else then.
      if (!s.sealed) await vault.verify();
      return { vault: { sealed: s.sealed, version: s.version, clusterName: s.clusterName } };
    },
  };
}

export function giteaProbe(gitea: HttpService): Probe {
  return {
    id: 'gitea',
    async read(timeoutMs) {
      const health = await gitea.getJson<{ status?: string }>('/api/healthz', timeoutMs);
      if (health.status !== 200 || health.body?.status !== 'pass') throw new Error(`Gitea health: HTTP ${health.status} ${health.body?.status ?? ''}`.trim());
      const version = await gitea.getJson<{ version?: string }>('/api/v1/version', timeoutMs);
      return { gitea: { version: version.body?.version, latencyMs: health.latencyMs } };
    },
  };
}

export function postgresProbe(pg: PostgresAdapter): Probe {
  return {
    id: 'postgres',
    async read(timeoutMs) {
      const started = performance.now();
      const rows = await pg.query<{ datname: string }>('SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY datname', undefined, { timeoutMs });
      return { postgres: { names: rows.map((r) => r.datname), latencyMs: Math.round(performance.now() - started) } };
    },
  };
}
