import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { AppsV1Api, AuthorizationV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, KubernetesObjectApi, ListWatch, makeInformer, PatchStrategy, setHeaderOptions, VersionApi, Watch, type KubernetesListObject, type KubernetesObject, type ListPromise } from '@kubernetes/client-node';

import { guardedHttpAgent, guardedHttpsAgent, type SocketPolicy } from './socket-policy.ts';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export interface KubeCluster {
  server: string;
  'certificate-authority-data'?: string;
  'certificate-authority'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'proxy-url'?: string;
  'tls-server-name'?: string;
}

export interface KubeUser {
  token?: string;
  'client-certificate-data'?: string;
  'client-key-data'?: string;
  'client-certificate'?: string;
  'client-key'?: string;
  exec?: unknown;
  'auth-provider'?: unknown;
  username?: string;
  password?: string;
}

/** The verified Kubernetes endpoint, as the guard resolved it from the kubeconfig. */
export interface KubeEndpoint {
  kubeconfigFile: string;
  context: string;
  server: string;
  clusterName: string;
  cluster: KubeCluster;
  userName: string;
  user: KubeUser;
  namespace?: string;
}

export interface CustomRef {
  group: string;
  version: string;
  plural: string;
}

export interface KubeAdapter {
  readonly server: string;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly custom: CustomObjectsApi;
  readonly version: VersionApi;
  /**
   * List+watch cache. `project` keeps only what the caller reads of each object: 20,000 full
   * pods would cost hundreds of megabytes.
   */
  informer<T extends KubernetesObject>(apiPath: string, list: ListPromise<T>, project?: (o: T) => T): ReturnType<typeof makeInformer<T>>;
  /** Mutations re-check the target's identity at call time. */
  scaleDeployment(namespace: string, name: string, replicas: number): Promise<void>;
  /** A JSON merge patch (RFC 7386) of a Deployment. */
  patchDeployment(namespace: string, name: string, patch: object): Promise<void>;
  /** A JSON merge patch of a namespaced custom object. */
  patchCustom(ref: CustomRef, namespace: string, name: string, patch: object): Promise<void>;
  listCustom(ref: CustomRef): Promise<KubernetesObject[]>;
  /**
   * A list as plain JSON, for the big ones (20,000 pods): client-node turns every object into
   * its model classes, which costs more than the request itself.
   */
  listJson<T extends KubernetesObject>(path: string, query: Record<string, string | number | undefined>): Promise<KubernetesListObject<T>>;
  /** Any object by apiVersion/kind/namespace/name (discovery finds its resource); undefined on 404. */
  readObject<T extends KubernetesObject>(ref: KubernetesObject): Promise<T | undefined>;
  createObject<T extends KubernetesObject>(obj: T): Promise<T>;
  /** A PUT of the whole object (its resourceVersion guards against a concurrent write). */
  replaceObject<T extends KubernetesObject>(obj: T): Promise<T>;
  /** Deletes in the foreground; false when it was already gone. */
  deleteObject(ref: KubernetesObject): Promise<boolean>;
  /** A kubeconfig holding only the sandbox context, for child processes such as kubectl. */
  exportSandboxOnly(): string;
  /** A SelfSubjectAccessReview: may this identity do it? Every authenticated user may ask. */
  accessReview(attributes: AccessAttributes): Promise<boolean>;
  /** The resources discovery lists for `group/version` (`v1` for the core group); undefined when it is not served (404). */
  servedResources(groupVersion: string): Promise<string[] | undefined>;
}

/** spec.resourceAttributes of a SelfSubjectAccessReview. */
export interface AccessAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

function abs(dir: string, file: unknown): string | undefined {
  return typeof file === 'string' ? path.resolve(dir, file) : undefined;
}

/**
 * Builds a KubeConfig that knows nothing but the sandbox: no other context can be reached
 * through it, and every agent it makes (requests and watches alike) asks the socket policy.
 */
function sandboxKubeConfig(ep: KubeEndpoint, policy: SocketPolicy): KubeConfig {
  const dir = path.dirname(ep.kubeconfigFile);
  const c = ep.cluster;
  const u = ep.user;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: ep.clusterName, server: ep.server, caData: c['certificate-authority-data'], caFile: abs(dir, c['certificate-authority']), skipTLSVerify: c['insecure-skip-tls-verify'] === true, tlsServerName: c['tls-server-name'] }],
    users: [{ name: ep.userName, token: u.token, certData: u['client-certificate-data'], keyData: u['client-key-data'], certFile: abs(dir, u['client-certificate']), keyFile: abs(dir, u['client-key']), exec: u.exec, username: u.username, password: u.password }],
    contexts: [{ name: ep.context, cluster: ep.clusterName, user: ep.userName, namespace: ep.namespace }],
    currentContext: ep.context,
  });
  // client-node makes a fresh agent per request in this (private) method; the guard refuses proxy-url.
  (kc as unknown as { createAgent: (c: { server: string; skipTLSVerify?: boolean } | null, o: http.AgentOptions) => http.Agent }).createAgent = (cluster, options) => {
    if (!cluster?.server.startsWith('http:')) return guardedHttpsAgent(policy, options);
    if (!cluster.skipTLSVerify) throw new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false');
    return guardedHttpAgent(policy, options);
  };
  return kc;
}

export function createKubeAdapter(ep: KubeEndpoint, recheck: () => void, policy: SocketPolicy): KubeAdapter {
  const kc = sandboxKubeConfig(ep, policy);
  const apps = kc.makeApiClient(AppsV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const authorization = kc.makeApiClient(AuthorizationV1Api);
  /** A GET as plain text, with the same agent, credentials and headers as every other request of this adapter. */
  const getText = async (apiPath: string, query: Record<string, string | number | undefined>): Promise<string> => {
    const url = new URL(`${ep.server.replace(/\/+$/, '')}${apiPath}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const init = await kc.applyToFetchOptions({});
    const headers = Object.fromEntries(new Headers(init.headers as ConstructorParameters<typeof Headers>[0]).entries());
    return new Promise<string>((resolve, reject) => {
      const get = url.protocol === 'https:' ? https.get : http.get;
      get(url, { agent: init.agent as http.Agent, headers: { ...headers, accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 400) reject(Object.assign(new Error(`GET ${apiPath}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`), { code: res.statusCode }));
          else resolve(text);
        });
        res.on('error', reject);
      }).on('error', reject);
    });
  };
  return {
    server: ep.server,
    core: kc.makeApiClient(CoreV1Api),
    apps,
    custom,
    version: kc.makeApiClient(VersionApi),
    informer(apiPath, list, project) {
      if (!project) return makeInformer(kc, apiPath, list);
      const watch = new Watch(kc);
      // ListWatch only calls watch(): a wrapper that projects each object is all it needs.
      const projecting = {
        config: kc,
        watch: (path: string, params: Record<string, string | number | boolean | undefined>, cb: (phase: string, obj: never, raw?: unknown) => void, done: (err: unknown) => void) =>
          watch.watch(path, params, (phase, obj, raw) => cb(phase, (phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED' ? project(obj) : obj) as never, raw), done),
      } as Watch;
      return new ListWatch(apiPath, projecting, async () => {
        const l = await list();
        return { ...l, items: l.items.map(project) };
      }, false);
    },
    async scaleDeployment(namespace, name, replicas) {
      recheck();
      // A patch, as `kubectl scale` sends: a read-then-replace loses to any status write the
      // deployment controller makes in between (409 Conflict).
      await apps.patchNamespacedDeploymentScale({ namespace, name, body: { spec: { replicas } } }, MERGE_PATCH);
    },
    async patchDeployment(namespace, name, patch) {
      recheck();
      await apps.patchNamespacedDeployment({ namespace, name, body: patch }, MERGE_PATCH);
    },
    async patchCustom(ref, namespace, name, patch) {
      recheck();
      await custom.patchNamespacedCustomObject({ ...ref, namespace, name, body: patch }, MERGE_PATCH);
    },
    async listJson<T extends KubernetesObject>(apiPath: string, query: Record<string, string | number | undefined>) {
      return JSON.parse(await getText(apiPath, query)) as KubernetesListObject<T>;
    },
    async accessReview(attributes) {
      const review = await authorization.createSelfSubjectAccessReview({ body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: attributes } } });
      return review.status?.allowed === true;
    },
    async servedResources(groupVersion) {
      try {
        const list = JSON.parse(await getText(groupVersion === 'v1' ? '/api/v1' : `/apis/${groupVersion}`, {})) as { resources?: { name: string }[] };
        return (list.resources ?? []).map((r) => r.name);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async listCustom(ref) {
      return ((await custom.listClusterCustomObject(ref)) as { items?: KubernetesObject[] }).items ?? [];
    },
    async readObject<T extends KubernetesObject>(ref: KubernetesObject) {
      try {
        return (await objects.read(ref as never)) as T;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async createObject(obj) {
      recheck();
      return objects.create(obj);
    },
    async replaceObject(obj) {
      recheck();
      return objects.replace(obj);
    },
    async deleteObject(ref) {
      recheck();
      try {
        await objects.delete(ref, undefined, undefined, undefined, undefined, 'Foreground');
        return true;
      } catch (e) {
        if (isNotFound(e)) return false;
        throw e;
      }
    },
    exportSandboxOnly: () => kc.exportConfig(),
  };
}

/** client-node 1.x rejects with an ApiException carrying the HTTP code. */
function isNotFound(e: unknown): boolean {
  return (e as { code?: number }).code === 404;
}
