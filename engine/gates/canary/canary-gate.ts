import crypto from 'node:crypto';
import type { GateCheck, GateResult } from '../gate-result.ts';
import type { CanaryManifest } from './canary-manifest.ts';
import { check, errorText, Interrupted, type CanaryDeps, type ChainContext, type LinkId } from './chain-context.ts';
import { argocdCredential } from './argocd-credential.ts';
import { cleanUp } from './cleanup.ts';
import { giteaLink } from './gitea-link.ts';
import { argocdHealthy, argocdLink, podLink, vsoLink } from './kube-links.ts';
import { postgresLink } from './postgres-link.ts';
import { vaultLink } from './vault-link.ts';

export type { CanaryDeps } from './chain-context.ts';

/** The convention chain in the order a new web app resolves it (QA strategy: provisioning-parity canary). */
const CHAIN: { id: LinkId; run: (ctx: ChainContext) => Promise<GateCheck[]> }[] = [
  { id: 'gitea', run: giteaLink },
  { id: 'postgres', run: postgresLink },
  { id: 'vault', run: vaultLink },
  { id: 'argocd', run: argocdCredential },
  { id: 'argocd', run: argocdLink },
  { id: 'vso', run: vsoLink },
  { id: 'pod', run: podLink },
  // Health can only turn Healthy once the pod runs; a failure here is still ArgoCD's link.
  { id: 'argocd', run: argocdHealthy },
];

export interface CanaryOptions {
  /** Per link: how long it may take to resolve. */
  timeoutMs: number;
  pollMs?: number;
}

/**
 * Provisions the throwaway app through every link of the chain, stops at the first broken one
 * and names it, and removes everything it provisioned on every exit path (leftovers of a killed
 * run are removed first). The gate fails when anything is left behind.
 */
export async function canaryGate(deps: CanaryDeps, m: CanaryManifest, opts: CanaryOptions): Promise<GateResult> {
  const ctx: ChainContext = { m, deps, timeoutMs: opts.timeoutMs, pollMs: opts.pollMs ?? 1000, password: crypto.randomBytes(24).toString('base64url') };
  const checks: GateCheck[] = [];
  let broken: { link: LinkId; check: GateCheck } | undefined;
  const leftovers = await cleanUp(ctx).catch((e: Error) => [errorText(e)]);
  if (leftovers.length) {
    const c = check('cleanup: leftovers of an earlier run', 'none', leftovers.join('; '), false);
    return result([c], `canary: an earlier run left ${leftovers.length} thing(s) that could not be removed: ${leftovers[0]}`);
  }
  try {
    for (const link of CHAIN) {
      if (deps.signal?.aborted) throw new Interrupted();
      const got = await link.run(ctx).catch((e: Error) => (e instanceof Interrupted ? Promise.reject(e) : [check(`${link.id}: provisioning`, 'done', errorText(e), false)]));
      checks.push(...got);
      const bad = got.find((c) => !c.ok);
      if (bad) {
        broken = { link: link.id, check: bad };
        break;
      }
    }
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    checks.push(check('canary: run', 'to the end', e.message, false));
  }
  const left = await cleanUp(ctx).catch((e: Error) => [errorText(e)]);
  checks.push(check('cleanup', 'nothing left behind', left.length ? `left: ${left.join('; ')}` : 'nothing left behind', left.length === 0));
  const interrupted = checks.some((c) => c.name === 'canary: run');
  const summary = interrupted
    ? 'canary: interrupted; cleaned up'
    : broken
      ? `canary: chain broken at ${broken.link} — ${broken.check.name}: ${broken.check.observed}`
      : left.length
        ? `canary: chain resolves end to end, but the cleanup left ${left.join('; ')}`
        : `canary: ${m.app} resolves end to end (gitea → postgres → vault → argocd → vso → pod) and was cleaned up`;
  return result(checks, summary);
}

function result(checks: GateCheck[], summary: string): GateResult {
  return { schema: 'lab-tui/gate@1', gate: 'canary', ok: checks.every((c) => c.ok), summary, checks, at: new Date().toISOString() };
}
