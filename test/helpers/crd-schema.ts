import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { referenceFile } from './reference.ts';

interface Schema {
  properties?: Record<string, Schema>;
}

interface Crd {
  kind?: string;
  spec?: { names?: { kind?: string }; versions?: { name: string; schema?: { openAPIV3Schema?: Schema } }[] };
}

const parsed = new Map<string, Crd[]>();

/** A CRD file's documents, parsed once; Longhorn's is a Helm template whose `{{ … }}` are dropped first. */
function crds(file: string[]): Crd[] {
  const key = file.join('/');
  let docs = parsed.get(key);
  if (!docs) {
    const text = readFileSync(referenceFile(...file), 'utf8').replace(/\{\{.*?\}\}/g, '');
    docs = parseAllDocuments(text).map((d) => d.toJS() as Crd);
    parsed.set(key, docs);
  }
  return docs;
}

/** The upstream openAPIV3Schema of `kind` at `version`, from a CRD file of ../shared/reference. */
export function crdSchema(file: string[], kind: string, version: string): Schema {
  const docs = crds(file);
  const crd = docs.find((d) => d?.kind === 'CustomResourceDefinition' && d.spec?.names?.kind === kind);
  const schema = crd?.spec?.versions?.find((v) => v.name === version)?.schema?.openAPIV3Schema;
  if (!schema) throw new Error(`${file.join('/')}: no ${kind} ${version} schema`);
  return schema;
}

/** The fields of `value` at `path` (dot-separated) that the schema does not declare there. */
export function undeclared(schema: Schema, path: string, value: Record<string, unknown>): string[] {
  const at = path.split('.').reduce<Schema | undefined>((s, key) => s?.properties?.[key], schema);
  const known = Object.keys(at?.properties ?? {});
  return Object.keys(value).filter((k) => !known.includes(k)).map((k) => `${path}.${k}`);
}
