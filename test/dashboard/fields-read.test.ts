import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIELDS_READ } from '../../engine/health/fields-read.ts';
import { crdSchema } from '../helpers/crd-schema.ts';
import { modelOf, typeAt, valueSetsOf, type OpenApiSchema } from '../helpers/schema-check.ts';

const CRD_FILES: Record<string, (kind: string) => string[]> = {
  'longhorn.io': () => ['longhorn', 'crds-v1.7.2.yaml'],
  'argoproj.io': () => ['argo-cd', 'application-crd.yaml'],
  'secrets.hashicorp.com': (kind) => ['vault-secrets-operator', `secrets.hashicorp.com_${kind.toLowerCase()}s.yaml`],
};

/** The CRD schema node at a schema path (`a.b[].c`, `*` a map value), if the schema has it. */
function crdNode(schema: OpenApiSchema, path: string): OpenApiSchema | undefined {
  let at: OpenApiSchema | undefined = schema;
  for (const key of path.split('.')) {
    const name = key.replace(/\[\]$/, '');
    // metadata is ObjectMeta, which the CRD leaves to the API server.
    if (at === schema && name === 'metadata') return { type: 'object' };
    at = name === '*' && typeof at?.additionalProperties === 'object' ? at.additionalProperties : at?.properties?.[name];
    if (key.endsWith('[]')) at = at?.items;
    if (!at) return undefined;
  }
  return at;
}

describe('the fields lab-tui reads (engine/health/fields-read.ts), against the upstream schemas', () => {
  it('every path read exists in the upstream schema of its kind', () => {
    const missing = FIELDS_READ.flatMap((k) =>
      Object.keys(k.fields).filter((path) => {
        if (!k.group || k.group === 'apps') return path.startsWith('metadata.') ? typeAt('V1ObjectMeta', path.slice('metadata.'.length)) === undefined : typeAt(modelOf(k.kind), path) === undefined;
        return crdNode(crdSchema(CRD_FILES[k.group]!(k.kind), k.kind, k.version) as OpenApiSchema, path) === undefined;
      }).map((path) => `${k.kind} ${path}`),
    );
    assert.deepEqual(missing, []);
  });

  it('every value compared against is one upstream sets there (an enum of the CRD or a value set of upstream-facts.json)', () => {
    const unknown = FIELDS_READ.flatMap((k) =>
      Object.entries(k.fields).flatMap(([path, values]) => {
        if (values.length === 0) return [];
        const crd = k.group && k.group !== 'apps' ? crdNode(crdSchema(CRD_FILES[k.group]!(k.kind), k.kind, k.version) as OpenApiSchema, path) : undefined;
        // An object's own `kind` is the one its CRD names.
        const upstream = path === 'kind' ? [k.kind] : ((valueSetsOf(k.kind, !k.group || k.group === 'apps').get(path) ?? crd?.enum) as string[] | undefined);
        if (!upstream) return [`${k.kind} ${path}: compared with ${values.join(', ')}, but upstream lists no values for it`];
        return values.filter((v) => !upstream.includes(v)).map((v) => `${k.kind} ${path}: ${v} is not an upstream value`);
      }),
    );
    assert.deepEqual(unknown, []);
  });

  it('the check catches a field that no schema has and a value no upstream code sets', () => {
    assert.equal(typeAt('V1Pod', 'status.containerStatuses[].state.waiting.reason'), 'string');
    assert.equal(typeAt('V1Pod', 'status.containerStatuses[].health'), undefined);
    const volume = crdSchema(['longhorn', 'crds-v1.7.2.yaml'], 'Volume', 'v1beta2') as OpenApiSchema;
    assert.ok(crdNode(volume, 'status.robustness'));
    assert.equal(crdNode(volume, 'status.healthy'), undefined);
    assert.ok(!valueSetsOf('Volume', false).get('status.robustness')?.includes('ok'));
  });
});
