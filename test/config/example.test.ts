import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadConfigFile } from '../../src/config/load.ts';

it('the shipped example configuration is valid', () => {
  const c = loadConfigFile('manifests/config.example.yaml', { HOME: '/home/op' });
  assert.equal(c.sandbox.vault?.keyFile, '/home/op/.arcodange/sandbox/cluster-keys.json');
  assert.ok(c.prod.contexts.includes('arcodange-prod'));
});
