import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocatedErrors } from '../../engine/common/located-error.ts';
import { findConfigFile, parseConfig } from '../../src/config/load.ts';

const VALID = `sandbox:
  name: sbx
  kubernetes:
    context: k3d-sandbox
    server: https://127.0.0.1:6443
  vault:
    address: http://127.0.0.1:8200
    keyFile: ~/.arcodange/sandbox/cluster-keys.json
prod:
  contexts: [prod]
  keyFiles: [~/.arcodange/cluster-keys.json]
`;

function errorsOf(text: string): string[] {
  try {
    parseConfig(text, '/etc/lab/config.yaml', { HOME: '/home/op' });
  } catch (e) {
    assert.ok(e instanceof LocatedErrors, `expected located errors, got ${e}`);
    return e.errors.map((x) => x.message);
  }
  assert.fail('expected the configuration to be rejected');
}

describe('configuration', () => {
  it('applies defaults and resolves ~ against HOME', () => {
    const c = parseConfig(VALID, '/etc/lab/config.yaml', { HOME: '/home/op', XDG_DATA_HOME: '/data' });
    assert.equal(c.sandbox.kubernetes.marker.name, 'lab-sandbox-identity');
    assert.equal(c.sandbox.kubernetes.marker.value, 'sandbox');
    assert.equal(c.sandbox.vault?.keyFile, '/home/op/.arcodange/sandbox/cluster-keys.json');
    assert.deepEqual(c.prod.keyFiles, ['/home/op/.arcodange/cluster-keys.json']);
    assert.equal(c.sandbox.evidenceDir, '/data/lab-tui/evidence');
  });

  it('names file, line and field for a wrong type', () => {
    const errs = errorsOf(VALID.replace('server: https://127.0.0.1:6443', 'server: 6443'));
    assert.deepEqual(errs, ['/etc/lab/config.yaml:5: sandbox.kubernetes.server: expected an http(s) URL, found number 6443 (see README#configuration)']);
  });

  it('reports a missing required field at its parent', () => {
    const errs = errorsOf(VALID.replace('    context: k3d-sandbox\n', ''));
    assert.match(errs[0]!, /config\.yaml:4: sandbox\.kubernetes\.context: missing required field/);
  });

  it('rejects unknown (typo) fields with the expected ones', () => {
    const errs = errorsOf(VALID.replace('  name: sbx', '  name: sbx\n  evidenceDirectory: /x'));
    assert.match(errs[0]!, /config\.yaml:3: sandbox\.evidenceDirectory: unknown field \(expected one of name, kubernetes, vault/);
  });

  it('names what replaced the removed sandbox.stepca.certificates, at its line', () => {
    const errs = errorsOf(VALID.replace('  name: sbx', '  name: sbx\n  stepca:\n    url: https://127.0.0.1:9000\n    certificates: /lab/certificates'));
    assert.equal(errs.length, 1);
    assert.match(errs[0]!, /^\/etc\/lab\/config\.yaml:5: sandbox\.stepca\.certificates: no longer exists: .*sandbox\.stepca\.endpoints \(host:port of TLS services outside the cluster\) and the cluster's Ingress hosts/);
  });

  it('reads sandbox.stepca.endpoints as host:port or name and address', () => {
    const config = parseConfig(VALID.replace('  name: sbx', '  name: sbx\n  stepca:\n    url: https://127.0.0.1:9000\n    endpoints: [gitea.sbx.test:443, { name: erp.sbx.test, address: "127.0.0.1:8443" }]\n    ingressAddress: traefik.sbx.test:443'), '/etc/lab/config.yaml', {});
    assert.deepEqual(config.sandbox.stepca, { url: 'https://127.0.0.1:9000', endpoints: [{ name: 'gitea.sbx.test', address: 'gitea.sbx.test:443' }, { name: 'erp.sbx.test', address: '127.0.0.1:8443' }], ingressAddress: 'traefik.sbx.test:443' });
    const errs = errorsOf(VALID.replace('  name: sbx', '  name: sbx\n  stepca:\n    url: https://127.0.0.1:9000\n    endpoints: [gitea.sbx.test]'));
    assert.match(errs[0]!, /config\.yaml:5: sandbox\.stepca\.endpoints\[0\]: expected host:port, found "gitea\.sbx\.test"/);
  });

  it('reports YAML syntax errors with their line', () => {
    const errs = errorsOf('sandbox:\n  name: x\n  kubernetes: { context: [unclosed\n');
    assert.match(errs[0]!, /config\.yaml:[34](:\d+)?: YAML syntax/);
  });

  it('reports every problem at once', () => {
    const errs = errorsOf(VALID.replace('server: https://127.0.0.1:6443', 'server: nope').replace('contexts: [prod]', 'contexts: prod'));
    assert.equal(errs.length, 2);
  });

  it('finds the file: --config, then LAB_TUI_CONFIG, then XDG_CONFIG_HOME', () => {
    assert.deepEqual(findConfigFile('/a.yaml', { LAB_TUI_CONFIG: '/b.yaml' }), { file: '/a.yaml', explicit: true });
    assert.deepEqual(findConfigFile(undefined, { LAB_TUI_CONFIG: '/b.yaml' }), { file: '/b.yaml', explicit: true });
    assert.deepEqual(findConfigFile(undefined, { XDG_CONFIG_HOME: '/x' }), { file: '/x/lab-tui/config.yaml', explicit: false });
    assert.deepEqual(findConfigFile(undefined, { HOME: '/h' }), { file: '/h/.config/lab-tui/config.yaml', explicit: false });
  });
});
