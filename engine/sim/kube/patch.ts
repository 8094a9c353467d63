// The three patch types kubectl and client-node send. client-node 1.x defaults to JSON Patch;
// kubectl scale/patch use merge or strategic-merge patches.

class PatchError extends Error {}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function applyPatch(target: unknown, contentType: string, patch: unknown): unknown {
  const type = contentType.split(';')[0]?.trim().toLowerCase();
  switch (type) {
    case 'application/json-patch+json':
      return applyJsonPatch(target as Json, patch);
    case 'application/merge-patch+json':
      return mergePatch(target as Json, patch as Json, false);
    case 'application/strategic-merge-patch+json':
      return mergePatch(target as Json, patch as Json, true);
    default:
      throw new PatchError(`the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${contentType || 'none'})`);
  }
}

function isObject(value: unknown): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** RFC 7386; with `strategic`, lists of objects keyed by `name` merge item by item (containers, env). */
function mergePatch(target: Json, patch: Json, strategic: boolean): Json {
  if (!isObject(patch)) return patch;
  const out: { [key: string]: Json } = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
    } else if (strategic && Array.isArray(value) && Array.isArray(out[key]) && value.every((v) => isObject(v) && typeof v.name === 'string')) {
      out[key] = mergeNamedList(out[key] as Json[], value);
    } else {
      out[key] = mergePatch(out[key] ?? null, value, strategic);
    }
  }
  return out;
}

function mergeNamedList(current: Json[], patch: Json[]): Json[] {
  const merged = [...current];
  for (const item of patch) {
    const name = (item as { name: string }).name;
    const index = merged.findIndex((m) => isObject(m) && m.name === name);
    if (index >= 0) merged[index] = mergePatch(merged[index] as Json, item, true);
    else merged.push(item);
  }
  return merged;
}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function applyJsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new PatchError('a JSON Patch must be a list of operations');
  let doc = structuredClone(target);
  for (const raw of ops as Operation[]) {
    if (!raw || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw new PatchError(`invalid JSON Patch operation ${JSON.stringify(raw)}`);
    switch (raw.op) {
      case 'add':
        doc = write(doc, pointer(raw.path), raw.value ?? null, 'add');
        break;
      case 'replace':
        doc = write(doc, pointer(raw.path), raw.value ?? null, 'replace');
        break;
      case 'remove':
        doc = write(doc, pointer(raw.path), null, 'remove');
        break;
      case 'test':
        if (JSON.stringify(read(doc, pointer(raw.path))) !== JSON.stringify(raw.value)) throw new PatchError(`testing value ${raw.path} failed`);
        break;
      case 'copy':
      case 'move': {
        const from = pointer(raw.from ?? '');
        const value = structuredClone(read(doc, from));
        if (raw.op === 'move') doc = write(doc, from, null, 'remove');
        doc = write(doc, pointer(raw.path), value, 'add');
        break;
      }
      default:
        throw new PatchError(`unsupported JSON Patch op "${raw.op}"`);
    }
  }
  return doc;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`JSON Pointer must start with "/": ${path}`);
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function read(doc: Json, segments: string[]): Json {
  let current: Json = doc;
  for (const s of segments) {
    if (Array.isArray(current)) current = current[Number(s)] as Json;
    else if (isObject(current)) current = current[s] as Json;
    else current = undefined as unknown as Json;
    if (current === undefined) throw new PatchError(`path ${'/' + segments.join('/')} does not exist`);
  }
  return current;
}

function write(doc: Json, segments: string[], value: Json, mode: 'add' | 'replace' | 'remove'): Json {
  if (segments.length === 0) return mode === 'remove' ? null : value;
  const parent = read(doc, segments.slice(0, -1));
  const last = segments[segments.length - 1] as string;
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw new PatchError(`index ${last} out of range`);
    if (mode === 'add') parent.splice(index, 0, value);
    else if (mode === 'replace') parent[index] = value;
    else parent.splice(index, 1);
  } else if (isObject(parent)) {
    if (mode !== 'add' && !(last in parent)) throw new PatchError(`path /${segments.join('/')} does not exist`);
    if (mode === 'remove') delete parent[last];
    else parent[last] = value;
  } else {
    throw new PatchError(`path /${segments.slice(0, -1).join('/')} is not a container`);
  }
  return doc;
}
