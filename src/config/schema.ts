import { DRILL_FAULTS } from '../../engine/drills/drill-types.ts';
import type { TemplatedFault } from '../../engine/drills/inject-fault.ts';
import { bool, dict, int, list, obj, oneOf, opt, removed, req, scalarOrMap, str } from '../../engine/common/located-yaml.ts';

/** The faults a lab may inject with its own command (`sandbox.faults.<kind>`) instead of the built-in mechanism. */
const TEMPLATED_FAULTS = DRILL_FAULTS.filter((k): k is TemplatedFault => k !== 'command');
const url = str({ pattern: /^https?:\/\/[^\s/]+/i, what: 'an http(s) URL' });
const hostPort = str({ pattern: /^(\[[0-9a-f:.]+\]|[^\s:/[\]]+):\d{1,5}$/i, what: 'host:port' });
/** A TLS endpoint: `host:port` (dialled, SNI and name checked = host), or the name to check and the address to dial. */
const tlsEndpoint = scalarOrMap(hostPort, obj({ name: req(str({ pattern: /^[^\s:/]+$/, what: 'a host name' })), address: req(hostPort) }));
const markerKube = obj({ namespace: req(str()), name: req(str()), key: req(str()), value: req(str()) });
const markerVault = obj({ mount: req(str()), path: req(str()), key: req(str()), value: req(str()) });

/** The configuration file's schema; README#configuration documents each field. */
export const configSchema = obj({
  sandbox: req(
    obj({
      name: req(str()),
      kubernetes: req(
        obj({
          kubeconfig: opt(str()),
          context: req(str()),
          server: req(url),
          marker: opt(markerKube),
        }),
      ),
      vault: opt(obj({ address: req(url), keyFile: req(str()), marker: opt(markerVault), childToken: opt(bool()) })),
      postgres: opt(obj({ host: req(str()), port: opt(int({ min: 1, max: 65535 })), user: opt(str()), database: opt(str()), passwordEnv: opt(str()), passwordFile: opt(str()) })),
      gitea: opt(obj({ url: req(url), owner: opt(str()), tokenFile: opt(str()), tokenEnv: opt(str()) })),
      stepca: opt(
        obj({
          url: req(url),
          endpoints: opt(list(tlsEndpoint)),
          ingressAddress: opt(hostPort),
          certificates: opt(removed("Step-CA lists no certificates: they are checked where they are served, sandbox.stepca.endpoints (host:port of TLS services outside the cluster) and the cluster's Ingress hosts (through sandbox.stepca.ingressAddress), and in its kubernetes.io/tls Secrets; see README#step-ca")),
        }),
      ),
      dns: opt(obj({ zone: req(str()) })),
      power: opt(obj({ stop: req(str()), start: req(str()) })),
      faults: opt(obj(Object.fromEntries(TEMPLATED_FAULTS.map((k) => [k, opt(str())])) as Record<TemplatedFault, ReturnType<typeof opt<string>>>)),
      gitops: opt(obj({ remote: opt(str()) })),
      evidenceDir: opt(str()),
      evidence: opt(obj({ remote: opt(str()), branch: opt(str()), autoPush: opt(bool()), statusFile: opt(str()) })),
      runbooks: opt(obj({ path: opt(str()), remote: opt(str()), branchPrefix: opt(str()), sections: opt(dict(str())) })),
      drills: opt(obj({ path: req(str()) })),
      simulator: opt(obj({ control: req(url) })),
      recovery: opt(obj({ 'longhorn.inject-block-device': opt(str()), 'postgres.restore': opt(str()), 'argocd.rollback': opt(str()), 'pki.reissue': opt(str()) })),
      backups: opt(obj({ postgres: opt(str()) })),
      gates: opt(
        obj({
          canary: opt(obj({ manifest: opt(str()), timeoutSeconds: opt(int({ min: 1, max: 3600 })) })),
          idempotence: opt(obj({ playbook: req(str()), inventory: opt(str()), limit: opt(str()) })),
          tofuPlan: opt(obj({ plan: req(str()) })),
        }),
      ),
      childEnv: opt(obj({ pass: opt(list(str({ pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, what: 'an environment variable name' }))), home: opt(oneOf(['private', 'real'] as const)) })),
    }),
  ),
  prod: req(
    obj({
      contexts: opt(list(str())),
      servers: opt(list(str())),
      vault: opt(list(str())),
      keyFiles: opt(list(str())),
      dnsZones: opt(list(str())),
      postgres: opt(list(str())),
      gitea: opt(list(str())),
      gitRemotes: opt(list(str())),
    }),
  ),
});
