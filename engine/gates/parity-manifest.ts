import fs from 'node:fs';
import { manifestPath } from '../common/package-root.ts';
import { int, list, obj, opt, parseYaml, req, str } from '../common/located-yaml.ts';

const schema = obj({
  kubernetes: req(obj({ version: req(str()), nodes: req(int({ min: 1 })) })),
  components: req(obj({ longhorn: req(str()), vault: req(str()), vso: req(str()) })),
  argocd: req(obj({ root: req(str()), apps: req(list(str())) })),
  outsideCluster: opt(obj({ postgres: opt(obj({ node: req(str()) })), gitea: opt(obj({ node: req(str()) })) })),
});

export type ParityManifest = NonNullable<ReturnType<typeof schema>>;

export const DEFAULT_PARITY_FILE = manifestPath('parity.yaml');

export function loadParityManifest(file = DEFAULT_PARITY_FILE): ParityManifest {
  return parseYaml(fs.readFileSync(file, 'utf8'), file, schema, 'see README#parity-manifest');
}
