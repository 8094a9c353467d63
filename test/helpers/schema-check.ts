import { readFileSync } from 'node:fs';
import { referenceFile } from './reference.ts';

/**
 * A small validator of served objects against the upstream schemas: the CRDs' structural
 * OpenAPI v3 schemas, and the Kubernetes type map (client-node's attributeTypeMap) for the
 * built-in kinds, plus the value sets of upstream-facts.json that neither enumerates.
 */

/** The part of a CRD's structural schema the API server enforces on what it stores and serves. */
export interface OpenApiSchema {
  type?: string;
  format?: string;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  required?: string[];
  enum?: unknown[];
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
}

export interface Violation {
  /** Where in the object, with indices: `status.conditions[2].type`. */
  path: string;
  problem: string;
}

interface Facts {
  valueSets: { kind: string; path: string; values: string[]; source: string }[];
  kubeletWaitingReasons: string[];
}

const facts = JSON.parse(readFileSync(referenceFile('upstream-facts.json'), 'utf8')) as Facts;

/**
 * Value sets by kind, keyed by the schema path (`[]` for any item, `*` for any map value). The
 * kubelet's waiting reasons are the value set of every container's `state.waiting.reason`. Kinds
 * are not unique across groups (Longhorn has a Node too): Kubernetes' own sets hold for built-in
 * kinds only, the projects' for their custom resources only.
 */
export function valueSetsOf(kind: string, builtIn = true): Map<string, string[]> {
  const ofKubernetes = (v: { source: string }) => v.source.startsWith('kubernetes ');
  const sets = new Map(facts.valueSets.filter((v) => v.kind === kind && ofKubernetes(v) === builtIn).map((v) => [v.path, v.values]));
  if (kind === 'Pod') {
    for (const list of ['containerStatuses', 'initContainerStatuses']) sets.set(`status.${list}[].state.waiting.reason`, facts.kubeletWaitingReasons);
  }
  return sets;
}

// metav1.Time marshals as RFC 3339 to the second, metav1.MicroTime to the microsecond, both UTC.
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

const join = (at: string, key: string) => (at ? `${at}.${key}` : key);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => JSON.stringify(v)?.slice(0, 80);

class Walk {
  readonly violations: Violation[] = [];
  constructor(readonly valueSets: Map<string, string[]>) {}

  add(path: string, problem: string): void {
    this.violations.push({ path, problem });
  }

  /** A value set of upstream-facts.json at this schema path, if any. */
  valueSet(at: string, schemaPath: string, value: unknown): void {
    const values = this.valueSets.get(schemaPath);
    if (values && !values.includes(value as string)) this.add(at, `${show(value)} is not one of ${values.join(', ')}`);
  }
}

// ---- CRDs: structural OpenAPI v3 --------------------------------------------------------

function crdValue(w: Walk, s: OpenApiSchema, value: unknown, at: string, schemaPath: string): void {
  if (value === null) {
    if (!s.nullable) w.add(at, 'null where the schema is not nullable');
    return;
  }
  w.valueSet(at, schemaPath, value);
  if (s.enum && !s.enum.includes(value)) w.add(at, `${show(value)} is not one of the enum ${s.enum.join(', ')}`);
  if (s['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && !Number.isInteger(value)) w.add(at, `${show(value)}: expected an integer or a string`);
    return;
  }
  switch (s.type) {
    case 'object': {
      if (!isObject(value)) return w.add(at, `${show(value)}: expected an object`);
      for (const key of s.required ?? []) if (!(key in value)) w.add(join(at, key), 'required field missing');
      const extra = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
      for (const [key, v] of Object.entries(value)) {
        const prop = s.properties?.[key];
        if (prop) crdValue(w, prop, v, join(at, key), join(schemaPath, key));
        else if (extra) crdValue(w, extra, v, join(at, key), join(schemaPath, '*'));
        else if (!s['x-kubernetes-preserve-unknown-fields'] && s.additionalProperties !== true) w.add(join(at, key), 'not a field of the upstream schema (the API server prunes it)');
      }
      return;
    }
    case 'array':
      if (!Array.isArray(value)) return w.add(at, `${show(value)}: expected an array`);
      value.forEach((item, i) => s.items && crdValue(w, s.items, item, `${at}[${i}]`, `${schemaPath}[]`));
      return;
    case 'string':
      if (typeof value !== 'string') return w.add(at, `${show(value)}: expected a string`);
      if (s.format === 'date-time' && !DATE_TIME.test(value)) w.add(at, `${show(value)}: not a date-time`);
      return;
    case 'integer':
      if (!Number.isInteger(value)) w.add(at, `${show(value)}: expected an integer`);
      return;
    case 'number':
      if (typeof value !== 'number') w.add(at, `${show(value)}: expected a number`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') w.add(at, `${show(value)}: expected a boolean`);
      return;
  }
}

/**
 * Every violation of a custom resource against its CRD's schema. The CRD declares `metadata`
 * as a bare object (the API server owns it): it is checked as ObjectMeta of the type map.
 */
export function crdViolations(schema: OpenApiSchema, kind: string, object: Record<string, unknown>): Violation[] {
  const w = new Walk(valueSetsOf(kind, false));
  const { metadata, ...rest } = object;
  crdValue(w, { ...schema, properties: { ...schema.properties, metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }, { ...rest, metadata: {} }, '', '');
  typed(w, 'V1ObjectMeta', metadata, 'metadata', 'metadata');
  return w.violations;
}

// ---- built-in kinds: the client-node type map -------------------------------------------

interface Attribute {
  name: string;
  type: string;
  format?: string;
}

const typeMap = (JSON.parse(readFileSync(referenceFile('kubernetes', 'core-types-v1.34.json'), 'utf8')) as { types: Record<string, Attribute[]> }).types;

function typed(w: Walk, type: string, value: unknown, at: string, schemaPath: string, format?: string): void {
  // Go marshals a zero metav1.Time as null even under omitempty (a struct is never "empty").
  if (value === null) {
    if (type !== 'Date' && type !== 'V1MicroTime') w.add(at, 'null (Kubernetes omits unset optional fields)');
    return;
  }
  w.valueSet(at, schemaPath, value);
  const array = /^Array<(.+)>$/.exec(type);
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return w.add(at, `${show(value)}: expected an array`);
    value.forEach((item, i) => typed(w, array[1] as string, item, `${at}[${i}]`, `${schemaPath}[]`, format));
  } else if (map) {
    if (!isObject(value)) return w.add(at, `${show(value)}: expected an object`);
    for (const [key, v] of Object.entries(value)) typed(w, map[1] as string, v, join(at, key), join(schemaPath, '*'), format);
  } else if (type === 'string') {
    if (typeof value !== 'string') return w.add(at, `${show(value)}: expected a string`);
    if (format === 'byte' && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) w.add(at, 'not base64');
  } else if (type === 'number') {
    if (typeof value !== 'number' || (format?.startsWith('int') && !Number.isInteger(value))) w.add(at, `${show(value)}: expected ${format ?? 'a number'}`);
  } else if (type === 'boolean') {
    if (typeof value !== 'boolean') w.add(at, `${show(value)}: expected a boolean`);
  } else if (type === 'Date') {
    if (typeof value !== 'string' || !TIME.test(value)) w.add(at, `${show(value)}: not a metav1.Time (RFC 3339, seconds, UTC)`);
  } else if (type === 'V1MicroTime') {
    if (typeof value !== 'string' || !MICRO_TIME.test(value)) w.add(at, `${show(value)}: not a metav1.MicroTime (RFC 3339, microseconds, UTC)`);
  } else if (type === 'IntOrString') {
    if (typeof value !== 'string' && !Number.isInteger(value)) w.add(at, `${show(value)}: expected an integer or a string`);
  } else if (type !== 'any') {
    const attributes = typeMap[type];
    if (!attributes) return w.add(at, `the type map has no ${type}`);
    if (!isObject(value)) return w.add(at, `${show(value)}: expected an object (${type})`);
    for (const [key, v] of Object.entries(value)) {
      const attr = attributes.find((a) => a.name === key);
      if (!attr) w.add(join(at, key), `not a field of ${type}`);
      else typed(w, attr.type, v, join(at, key), join(schemaPath, key), attr.format);
    }
  }
}

/** The type map's name of a built-in kind: `V1Node`; events are `CoreV1Event`. */
export function modelOf(kind: string): string {
  return typeMap[`V1${kind}`] ? `V1${kind}` : `CoreV1${kind}`;
}

/** Every violation of a built-in object against the Kubernetes v1.34 type map and the value sets. */
export function builtinViolations(kind: string, object: unknown): Violation[] {
  const w = new Walk(valueSetsOf(kind));
  typed(w, modelOf(kind), object, '', '');
  return w.violations;
}

/** The attribute type at a dotted schema path (`status.conditions[].type`) of a type-map model, if it exists. */
export function typeAt(model: string, path: string): string | undefined {
  let type: string | undefined = model;
  for (const key of path.split('.')) {
    const name = key.replace(/\[\]$/, '');
    const attrs: Attribute[] | undefined = typeMap[(type ?? '').replace(/^Array<(.+)>$/, '$1')];
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type ?? '');
    type = map && name === '*' ? map[1] : attrs?.find((a) => a.name === name)?.type;
    if (type === undefined) return undefined;
    if (key.endsWith('[]')) type = /^Array<(.+)>$/.exec(type)?.[1];
  }
  return type;
}
