import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJson, sendJson, sendRaw } from '../net/http-util.ts';
import { isoTime, type KubeObject } from './kube-object.ts';
import type { ResourceRoute } from './kube-routes.ts';
import { applyPatch } from './patch.ts';
import { groupVersion, resourceKey, type ResourceDef } from './resources.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { notFound, statusError } from './status.ts';
import type { Collection, KubeStore } from './store.ts';
import { parseIncludeObject, toTable, wantsTable } from './table.ts';
import { serveWatch } from './watch-stream.ts';

export interface KubeApiContext {
  store: KubeStore;
  now(): number;
  /** Suffix for metadata.generateName. */
  nameSuffix(): string;
  /** Lets the controllers react before the response is sent (level-triggered settle). */
  afterWrite(): void;
  /** Container output for pods/log, from the kubelet model. */
  podLog(namespace: string, name: string, container: string, previous: boolean): string[] | undefined;
}

export class ApiFailure extends Error {
  constructor(readonly status: ReturnType<typeof statusError>) {
    super(status.message);
  }
}

function fail(code: number, reason: string, message: string): never {
  throw new ApiFailure(statusError(code, reason, message));
}

export async function handleResource(ctx: KubeApiContext, route: ResourceRoute, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { def, name, subresource } = route;
  if (subresource === 'log' && def.kind === 'Pod' && name !== undefined && req.method === 'GET') return podLog(ctx, route, res, url);
  if (subresource && subresource !== 'status' && !(subresource === 'scale' && def.hasScale)) {
    fail(404, 'NotFound', `the server could not find the requested resource (${def.plural}/${subresource})`);
  }
  const method = req.method ?? 'GET';
  if (name === undefined) {
    if (method === 'GET') return list(ctx, route, req, res, url);
    if (method === 'POST') return respond(res, 201, create(ctx, route, (await readJson(req)) as KubeObject));
    if (method === 'DELETE') return respond(res, 200, deleteCollection(ctx, route, url));
    fail(405, 'MethodNotAllowed', `${method} is not supported on a collection`);
  }
  const current = ctx.store.get(def, route.namespace, name);
  if (!current) throw new ApiFailure(notFound(def.plural, name, def.group));
  switch (method) {
    case 'GET':
      if (subresource === 'scale') return respond(res, 200, toScale(current));
      if (wantsTable(req.headers.accept)) {
        const include = parseIncludeObject(url.searchParams.get('includeObject'));
        return respond(res, 200, toTable(resourceKey(def), [current], { now: ctx.now(), include, resourceVersion: String(ctx.store.resourceVersion), withColumns: true }));
      }
      return sendRaw(res, 200, JSON.stringify(current), 'application/json');
    case 'PUT':
      return respond(res, 200, write(ctx, route, current, (await readJson(req)) as KubeObject));
    case 'PATCH': {
      const patch = await readJson(req);
      const base = subresource === 'scale' ? toScale(current) : current;
      let patched: KubeObject;
      try {
        patched = applyPatch(structuredClone(base), String(req.headers['content-type'] ?? ''), patch) as KubeObject;
      } catch (err) {
        const unsupported = (err as Error).message.includes('unknown format');
        fail(unsupported ? 415 : 422, unsupported ? 'UnsupportedMediaType' : 'Invalid', (err as Error).message);
      }
      return respond(res, 200, write(ctx, route, current, patched));
    }
    case 'DELETE':
      return respond(res, 200, remove(ctx, def, current, url, await readJson(req)));
    default:
      fail(405, 'MethodNotAllowed', `${method} is not supported`);
  }
}

function podLog(ctx: KubeApiContext, route: ResourceRoute, res: ServerResponse, url: URL): void {
  const { namespace = '', name = '' } = route;
  const pod = ctx.store.get(route.def, namespace, name);
  if (!pod) throw new ApiFailure(notFound('pods', name));
  // The API server picks the container only when there is one (kubectl sends its default-container).
  const names = ((pod.spec as { containers?: { name: string }[] }).containers ?? []).map((c) => c.name);
  const container = url.searchParams.get('container') ?? (names.length === 1 ? names[0] : undefined);
  if (container === undefined) fail(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
  if (!names.includes(container)) fail(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
  const previous = url.searchParams.get('previous') === 'true';
  const lines = ctx.podLog(namespace, name, container, previous);
  if (!lines) fail(400, 'BadRequest', `${previous ? 'previous terminated' : ''} container in pod "${name}" is not available`.trim());
  const tail = Number(url.searchParams.get('tailLines') ?? lines.length);
  const text = lines.slice(Math.max(0, lines.length - tail)).map((l) => `${l}\n`).join('');
  sendRaw(res, 200, text, 'text/plain');
}

function respond(res: ServerResponse, code: number, body: unknown): void {
  sendJson(res, code, body);
}

function list(ctx: KubeApiContext, route: ResourceRoute, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const { def, namespace } = route;
  const q = url.searchParams;
  let labels;
  let fields;
  try {
    labels = parseLabelSelector(q.get('labelSelector'));
    fields = parseFieldSelector(q.get('fieldSelector'));
  } catch (err) {
    fail(400, 'BadRequest', (err as Error).message);
  }
  const filtered = !!(q.get('labelSelector') || q.get('fieldSelector'));
  const matches = (o: KubeObject) => labels(o) && fields(o);
  const collection = ctx.store.collection(def);
  const table = wantsTable(req.headers.accept) ? parseIncludeObject(q.get('includeObject')) : null;

  if (q.get('watch') === 'true' || q.get('watch') === '1') {
    const rvText = q.get('resourceVersion');
    const timeout = q.get('timeoutSeconds');
    return serveWatch(req, res, {
      collection,
      namespace,
      matches,
      fromRv: rvText ? Number(rvText) : undefined,
      table,
      bookmarks: q.get('allowWatchBookmarks') === 'true',
      timeoutMs: timeout ? Number(timeout) * 1000 : undefined,
      now: ctx.now,
      currentRv: () => ctx.store.resourceVersion,
    });
  }

  const rv = String(ctx.store.resourceVersion);
  if (table) {
    const objects = [...collection.entries(namespace)].map((e) => e.obj).filter(matches);
    objects.sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
    return respond(res, 200, toTable(resourceKey(def), objects, { now: ctx.now(), include: table, resourceVersion: rv, withColumns: true }));
  }
  const limit = Number(q.get('limit') ?? 0);
  if (limit > 0 || q.get('continue')) return sendPage(res, def, collection, namespace, filtered ? matches : undefined, limit, q.get('continue'), rv);
  if (!filtered) {
    const body = collection.listBody(namespace, ctx.store.resourceVersion);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    res.end(body);
    return;
  }
  const items = [...collection.entries(namespace)].filter((e) => matches(e.obj)).map((e) => collection.itemJson(e)).join(',');
  const head = `{"kind":"${def.kind}List","apiVersion":"${groupVersion(def)}","metadata":{"resourceVersion":"${rv}"},"items":[`;
  sendRaw(res, 200, head + items + ']}', 'application/json');
}

/**
 * `limit`/`continue` chunking as the API server does it: pages in key order, the token carries
 * the first page's resourceVersion (every page reports it) and the last key served.
 */
function sendPage(res: ServerResponse, def: ResourceDef, collection: Collection, namespace: string | undefined, matches: ((o: KubeObject) => boolean) | undefined, limit: number, token: string | null, rv: string): void {
  let after = '';
  let listRv = rv;
  if (token) {
    try {
      ({ after, rv: listRv } = JSON.parse(Buffer.from(token, 'base64url').toString()) as { after: string; rv: string });
    } catch {
      fail(400, 'BadRequest', 'invalid continue token');
    }
  }
  const keys = collection.sortedKeys(namespace);
  // The first key after the token's: a binary search, as a range read from etcd starts there.
  let lo = 0;
  for (let hi = keys.length; lo < hi; ) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]!.key > after) hi = mid;
    else lo = mid + 1;
  }
  const listed = (k: (typeof keys)[number]) => {
    const entry = collection.get(k.namespace, k.name);
    return entry && (!matches || matches(entry.obj)) ? entry : undefined;
  };
  const page: { key: string; json: string }[] = [];
  let i = lo;
  for (; i < keys.length && (limit <= 0 || page.length < limit); i++) {
    const entry = listed(keys[i]!);
    if (entry) page.push({ key: keys[i]!.key, json: collection.itemJson(entry) });
  }
  const more = keys.slice(i).some((k) => !!listed(k));
  const next = more ? Buffer.from(JSON.stringify({ after: page.at(-1)?.key ?? after, rv: listRv })).toString('base64url') : undefined;
  // The API server leaves remainingItemCount out of a list filtered by a selector.
  const meta = JSON.stringify({ resourceVersion: listRv, ...(next ? { continue: next, ...(matches ? {} : { remainingItemCount: keys.length - i }) } : {}) });
  sendRaw(res, 200, `{"kind":"${def.kind}List","apiVersion":"${groupVersion(def)}","metadata":${meta},"items":[${page.map((e) => e.json).join(',')}]}`, 'application/json');
}

function checkIdentity(def: ResourceDef, route: ResourceRoute, obj: KubeObject): void {
  if (!obj || typeof obj !== 'object' || !obj.metadata || typeof obj.metadata !== 'object') fail(400, 'BadRequest', 'the request body needs a metadata object');
  if (obj.kind && obj.kind !== def.kind) fail(400, 'BadRequest', `the kind "${obj.kind}" does not match the resource ${def.plural} (${def.kind})`);
  if (def.namespaced && obj.metadata.namespace && route.namespace && obj.metadata.namespace !== route.namespace) {
    fail(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
  }
}

function validate(def: ResourceDef, obj: KubeObject): void {
  const replicas = (obj.spec as { replicas?: unknown } | undefined)?.replicas;
  if (def.hasScale && replicas !== undefined && !(Number.isInteger(replicas) && (replicas as number) >= 0)) {
    fail(422, 'Invalid', `${def.kind}.${def.group} "${obj.metadata.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  }
}

function create(ctx: KubeApiContext, route: ResourceRoute, body: KubeObject): KubeObject {
  const { def } = route;
  checkIdentity(def, route, body);
  if (def.namespaced && !route.namespace) fail(405, 'MethodNotAllowed', `create ${def.plural} needs a namespace in the path`);
  const obj = { ...body, kind: def.kind, apiVersion: groupVersion(def), metadata: { ...body.metadata, namespace: route.namespace } };
  if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = obj.metadata.generateName + ctx.nameSuffix();
  if (!obj.metadata.name) fail(422, 'Invalid', `${def.kind} is invalid: metadata.name: Required value: name or generateName is required`);
  validate(def, obj);
  delete obj.metadata.resourceVersion;
  const created = ctx.store.create(def, obj);
  ctx.afterWrite();
  return ctx.store.get(def, route.namespace, created.metadata.name) ?? created;
}

function toScale(obj: KubeObject): KubeObject {
  const spec = obj.spec as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const status = (obj.status ?? {}) as { replicas?: number };
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: {
      replicas: status.replicas ?? 0,
      selector: Object.entries(spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
    },
  };
}

/** PUT and PATCH: main resource keeps its status, /status keeps its spec, /scale only moves replicas. */
function write(ctx: KubeApiContext, route: ResourceRoute, current: KubeObject, body: KubeObject): KubeObject {
  const { def, subresource } = route;
  if (!body || typeof body !== 'object') fail(400, 'BadRequest', 'the request body must be a JSON object');
  let next: KubeObject;
  if (subresource === 'scale') {
    const replicas = (body.spec as { replicas?: unknown } | undefined)?.replicas;
    next = { ...structuredClone(current), spec: { ...(current.spec as object), replicas } };
    next.metadata.resourceVersion = body.metadata?.resourceVersion;
  } else {
    checkIdentity(def, route, body);
    next = { ...body, kind: def.kind, apiVersion: groupVersion(def), metadata: { ...body.metadata, name: current.metadata.name } };
    if (def.namespaced) next.metadata.namespace = current.metadata.namespace;
    if (def.hasStatus && subresource === 'status') next = { ...structuredClone(current), status: body.status, metadata: { ...current.metadata, resourceVersion: body.metadata?.resourceVersion } };
    else if (def.hasStatus) next.status = current.status;
  }
  validate(def, next);
  ctx.store.replace(def, next);
  ctx.afterWrite();
  const stored = ctx.store.get(def, current.metadata.namespace, current.metadata.name) as KubeObject;
  return subresource === 'scale' ? toScale(stored) : stored;
}

function gracePeriod(url: URL, body: unknown): number | undefined {
  const fromQuery = url.searchParams.get('gracePeriodSeconds');
  if (fromQuery !== null) return Number(fromQuery);
  const fromBody = (body as { gracePeriodSeconds?: unknown } | undefined)?.gracePeriodSeconds;
  return typeof fromBody === 'number' ? fromBody : undefined;
}

function remove(ctx: KubeApiContext, def: ResourceDef, current: KubeObject, url: URL, body: unknown): KubeObject {
  const grace = gracePeriod(url, body);
  const { namespace, name } = current.metadata;
  if (def.gracefulDelete && grace !== 0) {
    // The kubelet model finishes the deletion once the containers have stopped.
    const updated = ctx.store.update(def, namespace, name, (draft) => {
      draft.metadata.deletionTimestamp ??= isoTime(ctx.now() + (grace ?? 30) * 1000);
      draft.metadata.deletionGracePeriodSeconds ??= grace ?? 30;
    });
    ctx.afterWrite();
    return ctx.store.get(def, namespace, name) ?? (updated as KubeObject);
  }
  const removed = ctx.store.remove(def, namespace, name) as KubeObject;
  ctx.afterWrite();
  return removed;
}

function deleteCollection(ctx: KubeApiContext, route: ResourceRoute, url: URL): object {
  const labels = parseLabelSelector(url.searchParams.get('labelSelector'));
  const fields = parseFieldSelector(url.searchParams.get('fieldSelector'));
  const victims = ctx.store.list(route.def, route.namespace).filter((o) => labels(o) && fields(o));
  for (const v of victims) remove(ctx, route.def, v, url, undefined);
  return { kind: `${route.def.kind}List`, apiVersion: groupVersion(route.def), metadata: { resourceVersion: String(ctx.store.resourceVersion) }, items: victims };
}

