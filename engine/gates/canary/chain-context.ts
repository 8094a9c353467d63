import type { HttpService } from '../../adapters/http-service.ts';
import type { KubeAdapter } from '../../adapters/kube.ts';
import type { PostgresAdapter } from '../../adapters/postgres.ts';
import type { VaultAdapter } from '../../adapters/vault.ts';
import type { GateCheck } from '../gate-result.ts';
import type { CanaryManifest } from './canary-manifest.ts';

/** The guarded adapters the chain provisions through, and the clock its waits run on. */
export interface CanaryDeps {
  kube(): Promise<KubeAdapter>;
  vault(): VaultAdapter | undefined;
  postgres(): PostgresAdapter | undefined;
  gitea(): HttpService | undefined;
  /** The sandbox's clock: wall time against a real sandbox; a test drives the simulator's. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Ctrl-C: stop waiting, clean up, report. */
  signal?: AbortSignal;
}

export type LinkId = 'gitea' | 'postgres' | 'vault' | 'argocd' | 'vso' | 'pod';

export interface ChainContext {
  m: CanaryManifest;
  deps: CanaryDeps;
  /** How long a link may take to resolve before the gate calls it broken. */
  timeoutMs: number;
  pollMs: number;
  /** The canary role's password: generated per run, never printed. */
  password: string;
  /** Learnt on the way: the repository's clone URL for ArgoCD. */
  cloneUrl?: string;
  /** The database connection's allowed_roles before the canary's role was added, for the cleanup. */
  allowedRolesBefore?: { path: string; roles: string[] };
}

export const HTTP_TIMEOUT_MS = 10_000;

/** Where Argo CD clones the canary repository from: as Gitea answered its creation. */
export const repoUrl = (ctx: ChainContext) => ctx.cloneUrl ?? `${ctx.deps.gitea()?.baseUrl}/${ctx.m.gitea.owner}/${ctx.m.gitea.repo}.git`;
export const ARGOCD_NAMESPACE = 'argocd';

export class Interrupted extends Error {
  constructor() {
    super('interrupted (Ctrl-C)');
  }
}

export function check(name: string, expected: string, observed: string, ok: boolean, detail?: string): GateCheck {
  return { name, expected, observed, ok, ...(detail ? { detail } : {}) };
}

/** node-vault rejects with the response attached: 404 means the path holds nothing. */
export function isVaultNotFound(e: unknown): boolean {
  return (e as { response?: { statusCode?: number } }).response?.statusCode === 404;
}

export function throwIfAborted(ctx: ChainContext): void {
  if (ctx.deps.signal?.aborted) throw new Interrupted();
}

/** Polls `probe` until it passes or the link's time is up; returns the last observation. */
export async function until(ctx: ChainContext, probe: () => Promise<GateCheck>): Promise<GateCheck> {
  const deadline = ctx.deps.now() + ctx.timeoutMs;
  for (;;) {
    throwIfAborted(ctx);
    const seen = await probe().catch((e: Error) => ({ ok: false, observed: errorText(e) }) as GateCheck);
    if (seen.ok || ctx.deps.now() >= deadline) return seen;
    await ctx.deps.sleep(ctx.pollMs);
  }
}

/** One line of an adapter error, as the operator needs it (HTTP code and the service's message). */
export function errorText(e: unknown): string {
  const err = e as { code?: number; body?: unknown; response?: { statusCode?: number; body?: { errors?: string[] } }; message?: string };
  const vault = err.response?.body?.errors?.join('; ');
  if (err.response?.statusCode) return `HTTP ${err.response.statusCode}${vault ? `: ${vault}` : ''}`;
  const kube = typeof err.body === 'string' ? safeJson(err.body)?.message : (err.body as { message?: string } | undefined)?.message;
  if (typeof err.code === 'number' && err.code >= 100) return `HTTP ${err.code}${kube ? `: ${kube}` : ''}`;
  return (err.message ?? String(e)).split('\n')[0] as string;
}

function safeJson(text: string): { message?: string } | undefined {
  try {
    return JSON.parse(text) as { message?: string };
  } catch {
    return undefined;
  }
}
