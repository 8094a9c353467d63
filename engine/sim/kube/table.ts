import type { KubeObject } from './kube-object.ts';
import { printerFor } from './printers.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Does this Accept header ask for server-side printing (meta.k8s.io Table)? */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function parseIncludeObject(value: string | null): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

export function tableRow(resourceKey: string, obj: KubeObject, now: number, include: IncludeObject): object {
  const row: Record<string, unknown> = { cells: printerFor(resourceKey).cells(obj, now) };
  if (include === 'Object') row.object = obj;
  if (include === 'Metadata') {
    row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  }
  return row;
}

export function toTable(
  resourceKey: string,
  objects: KubeObject[],
  opts: { now: number; include: IncludeObject; resourceVersion: string; withColumns: boolean },
): object {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: opts.resourceVersion },
    columnDefinitions: opts.withColumns ? printerFor(resourceKey).columns.map((c) => ({ format: '', description: '', priority: 0, ...c })) : [],
    rows: objects.map((o) => tableRow(resourceKey, o, opts.now, opts.include)),
  };
}
