import fs from 'node:fs';
import { LineCounter, parseAllDocuments } from 'yaml';
import { LocatedError, LocatedErrors } from '../../common/located-error.ts';
import { list, obj, opt, parseYaml, req, str } from '../../common/located-yaml.ts';
import { manifestPath } from '../../common/package-root.ts';

const HINT = 'see README#canary-gate';
const name = str({ pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, what: 'a lowercase name (letters, digits, -)' });
const duration = str({ pattern: /^\d+[smh]?$/, what: 'a duration such as 600, 10m or 1h' });

const schema = obj({
  // The gate deletes everything it provisions, before and after: only a throwaway name may be used.
  app: req(str({ pattern: /^canary(-[a-z0-9]+)*$/, what: 'a throwaway app name starting with "canary"' })),
  gitea: req(obj({ owner: req(name), repo: req(name), path: req(str({ pattern: /^[\w.-]+(\/[\w.-]+)*$/, what: 'a path in the repository' })) })),
  postgres: req(obj({ database: req(name), role: req(name) })),
  vault: req(
    obj({
      policy: req(obj({ name: req(name), rules: req(str()) })),
      kubernetesRole: req(obj({ name: req(name), serviceAccount: req(name), namespace: req(name), policies: req(list(name)), ttl: req(duration) })),
      databaseRole: req(obj({ name: req(name), connection: req(name), defaultTtl: req(duration), maxTtl: req(duration), creationStatements: req(str()), revocationStatements: opt(str()) })),
    }),
  ),
  argocd: req(obj({ application: req(name), project: req(name), namespace: req(name) })),
  deploy: req(str()),
});

type Parsed = NonNullable<ReturnType<typeof schema>>;

export interface DeployObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
}

/** The convention for one throwaway app, with `{app}` filled in and the deploy documents parsed. */
export interface CanaryManifest extends Omit<Parsed, 'deploy'> {
  file: string;
  /** The text committed to the repository, as ArgoCD will read it. */
  deployText: string;
  deploy: DeployObject[];
}

export const DEFAULT_CANARY_FILE = manifestPath('canary.yaml');

/** Reads the convention, fills in `{app}` (line numbers do not move) and checks every field. */
export function loadCanaryManifest(file = DEFAULT_CANARY_FILE): CanaryManifest {
  const raw = fs.readFileSync(file, 'utf8');
  const app = /^app:\s*["']?([^"'\s#]+)/m.exec(raw)?.[1];
  if (!app) throw new LocatedErrors([new LocatedError({ file, line: 1 }, 'app: missing required field', HINT)], 'manifest');
  const text = raw.replaceAll('{app}', app);
  let parsed: Parsed;
  try {
    parsed = parseYaml(text, file, schema, HINT);
  } catch (e) {
    throw e instanceof LocatedErrors ? new LocatedErrors(e.errors, 'manifest') : e;
  }
  const deployLine = text.split('\n').findIndex((l) => /^deploy:/.test(l)) + 1;
  return { ...parsed, file, deployText: parsed.deploy, deploy: parseDeploy(parsed.deploy, file, deployLine) };
}

function parseDeploy(text: string, file: string, deployLine: number): DeployObject[] {
  const errors: LocatedError[] = [];
  const at = (line: number, detail: string) => errors.push(new LocatedError({ file, line: deployLine + line }, `deploy: ${detail}`, HINT));
  const objects: DeployObject[] = [];
  const lines = new LineCounter();
  for (const doc of parseAllDocuments(text, { prettyErrors: false, lineCounter: lines })) {
    const line = lines.linePos(doc.range?.[0] ?? 0).line;
    const error = doc.errors[0];
    if (error) {
      at(lines.linePos(error.pos[0]).line, `YAML syntax: ${error.message.split('\n')[0]}`);
      continue;
    }
    const o = doc.toJS() as Partial<DeployObject> | null;
    if (!o) continue;
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') at(line, 'each document needs apiVersion, kind and metadata.name');
    else objects.push(o as DeployObject);
  }
  for (const kind of ['Deployment', 'VaultDynamicSecret']) if (!objects.some((o) => o.kind === kind)) at(1, `needs a ${kind}: the chain ends with its pod running on the injected secret`);
  if (errors.length) throw new LocatedErrors(errors, 'manifest');
  return objects;
}
