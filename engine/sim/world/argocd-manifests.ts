import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../kube/kube-object.ts';
import { groupVersion, RESOURCES, type ResourceDef } from '../kube/resources.ts';
import type { GitFile } from '../git/git-objects.ts';
import type { Commit, Gitea } from './gitea.ts';

export interface AppSource {
  repoURL: string;
  path?: string;
  targetRevision?: string;
  directory?: { recurse?: boolean };
}

/** One object of the app's manifests; `def` is missing for a kind the cluster does not serve. */
export interface DesiredObject {
  def?: ResourceDef;
  obj: KubeObject;
  /** `<group>/<Kind>/<namespace>/<name>`, like ArgoCD's resource keys. */
  key: string;
}

export type Manifests = { revision: Commit; objects: DesiredObject[] } | { error: string };

// The repo-server's error, as the application controller wraps it into a ComparisonError.
export const comparisonError = (code: string, desc: string) => ({ error: `Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = ${code} desc = ${desc}` });

export function resourceKey(group: string, kind: string, namespace: string | undefined, name: string): string {
  return `${group}/${kind}/${namespace ?? ''}/${name}`;
}

/**
 * What ArgoCD's repo-server makes of a plain directory source: the `.yaml`/`.yml`/`.json` files
 * directly in `path` (all below it with `directory.recurse`) at the revision's commit, every
 * document an object, namespaced objects without a namespace put in the destination namespace.
 */
export function loadManifests(gitea: Gitea, source: AppSource, destinationNamespace: string): Manifests {
  const repo = gitea.findByUrl(source.repoURL ?? '');
  if (!repo) return comparisonError('Unknown', 'failed to list refs: repository not found');
  const ref = source.targetRevision && source.targetRevision !== 'HEAD' ? source.targetRevision : repo.defaultBranch;
  const revision = gitea.resolve(repo, ref);
  if (!revision) return comparisonError('Unknown', `Unable to resolve '${ref}' to a commit SHA`);
  return manifestsAt(revision, source.path ?? '', source.directory?.recurse === true, destinationNamespace);
}

/** The objects of the manifests in `path` at `revision` (see loadManifests). */
export function manifestsAt(revision: Commit, path: string, recurse: boolean, destinationNamespace: string): Manifests {
  const dir = path.replace(/^\.?\/+|\/+$/g, '').replace(/^\.$/, '');
  const prefix = dir ? `${dir}/` : '';
  const inDir = [...revision.files.keys()].filter((f) => f.startsWith(prefix));
  if (dir && inDir.length === 0) return comparisonError('Unknown', `${dir}: app path does not exist`);
  const files = inDir.filter((f) => /\.(ya?ml|json)$/.test(f) && (recurse || !f.slice(prefix.length).includes('/'))).sort();
  const objects: DesiredObject[] = [];
  for (const file of files) {
    const relPath = file.slice(prefix.length);
    const parsed = parseObjects((revision.files.get(file) as GitFile).data.toString('utf8'));
    if ('error' in parsed) return comparisonError('FailedPrecondition', `Failed to unmarshal "${relPath}": ${parsed.error}`);
    for (const obj of parsed.objects) objects.push(desiredObject(obj, destinationNamespace));
  }
  return { revision, objects };
}

function parseObjects(text: string): { objects: KubeObject[] } | { error: string } {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(text, { prettyErrors: false })) {
    const problem = doc.errors[0];
    if (problem) return { error: `error converting YAML to JSON: yaml: ${problem.message.split('\n')[0]}` };
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const obj = value as Partial<KubeObject>;
    if (typeof value !== 'object' || Array.isArray(value)) return { error: `error unmarshaling JSON: json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type map[string]interface {}` };
    if (typeof obj.kind !== 'string' || !obj.kind) return { error: "Object 'Kind' is missing in " + JSON.stringify(value) };
    if (typeof obj.apiVersion !== 'string' || !obj.apiVersion) return { error: "Object 'apiVersion' is missing in " + JSON.stringify(value) };
    if (typeof obj.metadata?.name !== 'string' || !obj.metadata.name) return { error: `${obj.kind}: metadata.name is required` };
    objects.push(obj as KubeObject);
  }
  return { objects };
}

function desiredObject(obj: KubeObject, destinationNamespace: string): DesiredObject {
  const def = RESOURCES.find((r) => groupVersion(r) === obj.apiVersion && r.kind === obj.kind);
  const group = obj.apiVersion.includes('/') ? (obj.apiVersion.split('/')[0] as string) : '';
  const namespaced = def?.namespaced ?? true;
  const namespace = namespaced ? (obj.metadata.namespace ?? destinationNamespace) : undefined;
  const placed: KubeObject = { ...obj, metadata: { ...obj.metadata, ...(namespace ? { namespace } : {}) } };
  if (!namespaced) delete placed.metadata.namespace;
  return { def, obj: placed, key: resourceKey(group, obj.kind, namespace, obj.metadata.name) };
}
