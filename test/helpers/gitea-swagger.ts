import { readFileSync } from 'node:fs';
import { referenceFile } from './reference.ts';

/** Gitea 1.22's own API description, read where the reference data lives (never copied here). */
export const GITEA_SWAGGER = referenceFile('gitea', 'swagger.v1.22.json');

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
}

interface Operation {
  operationId: string;
  parameters?: { in: string; schema?: Schema }[];
  responses: Record<string, { $ref?: string; schema?: Schema }>;
}

interface Swagger {
  basePath: string;
  paths: Record<string, Record<string, Operation>>;
  definitions: Record<string, Schema>;
  responses: Record<string, { schema?: Schema }>;
}

const swagger = JSON.parse(readFileSync(GITEA_SWAGGER, 'utf8')) as Swagger;

/**
 * The operation Gitea documents for `method` on an API URL path (`/api/v1/…`, query ignored):
 * the path template that matches with the most literal segments (`/pulls/{index}` before
 * `/{filepath}`), its last parameter allowed to hold `/` (branch names, file paths).
 */
export function operationFor(method: string, urlPath: string): Operation & { path: string } {
  const path = urlPath.replace(/\?.*$/, '').replace(new RegExp(`^${swagger.basePath}`), '');
  const candidates = Object.keys(swagger.paths).filter((template) => {
    const segments = template.split('/');
    const pattern = segments
      .map((seg, i) => (i === segments.length - 1 && /^\{[^}]+\}$/.test(seg) ? '.+' : seg.split(/\{[^}]+\}/).map((lit) => lit.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+')))
      .join('/');
    return new RegExp(`^${pattern}$`).test(path) && swagger.paths[template]?.[method.toLowerCase()];
  });
  const literal = (t: string) => t.split('/').filter((s) => s && !s.startsWith('{')).length;
  const best = candidates.sort((a, b) => literal(b) - literal(a))[0];
  if (!best) throw new Error(`Gitea 1.22 documents no ${method} ${path}`);
  return { ...(swagger.paths[best]?.[method.toLowerCase()] as Operation), path: best };
}

function deref(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const [, kind, name] = schema.$ref.split('/') as [string, string, string];
  const target = kind === 'definitions' ? swagger.definitions[name] : swagger.responses[name]?.schema;
  if (!target) throw new Error(`unresolved ${schema.$ref}`);
  return deref(target);
}

/** The schema of an operation's answer with `status`; undefined when the status is not documented. */
export function responseSchema(op: Operation, status: number): Schema | null | undefined {
  const response = op.responses[String(status)];
  if (!response) return undefined;
  const schema = response.$ref ? swagger.responses[response.$ref.split('/').pop() as string]?.schema : response.schema;
  return schema ?? null;
}

export function requestSchema(op: Operation): Schema | undefined {
  return op.parameters?.find((p) => p.in === 'body')?.schema;
}

/**
 * Fields Gitea sends that its swagger does not list: User's MarshalJSON adds `username` (equal
 * to `login`) for backward compatibility (modules/structs/user.go).
 */
const COMPAT_FIELDS: Record<string, string[]> = { User: ['username'] };

const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/**
 * Every problem of `value` against `schema`: a field Gitea does not declare, a value of another
 * type. Go marshals nil pointers, slices and maps as null, and the swagger marks no field
 * nullable, so null is accepted below the top level.
 */
export function schemaProblems(schema: Schema, value: unknown, at = '$'): string[] {
  const s = deref(schema);
  if (value === null) return at === '$' ? [`${at}: null`] : [];
  switch (s.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: expected an object`];
      const compat = COMPAT_FIELDS[schema.$ref?.split('/').pop() ?? ''] ?? [];
      return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => {
        const prop = s.properties?.[key] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
        if (!prop && compat.includes(key)) return [];
        if (!prop) return s.additionalProperties === true ? [] : [`${at}.${key}: not a field of Gitea's schema`];
        return schemaProblems(prop, v, `${at}.${key}`);
      });
    }
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => (s.items ? schemaProblems(s.items, v, `${at}[${i}]`) : [])) : [`${at}: expected an array`];
    case 'string':
      if (typeof value !== 'string') return [`${at}: expected a string`];
      return s.format === 'date-time' && !DATE_TIME.test(value) ? [`${at}: not a date-time: ${value}`] : [];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: expected an integer`];
    case 'number':
      return typeof value === 'number' ? [] : [`${at}: expected a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: expected a boolean`];
    default:
      return [];
  }
}
