import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadParityManifest } from '../../engine/gates/parity-manifest.ts';

const k3d = parse(fs.readFileSync('manifests/sandbox/k3d.yaml', 'utf8')) as { apiVersion: string; kind: string; servers: number; agents: number; image: string; options: { k3s: { extraArgs: { arg: string; nodeFilters: string[] }[] } } };

describe('manifests/sandbox/k3d.yaml: a cluster shaped as the lab', () => {
  it('is a k3d Simple config running parity’s k3s with one server and two agents', () => {
    assert.equal(k3d.apiVersion, 'k3d.io/v1alpha5');
    assert.equal(k3d.kind, 'Simple');
    assert.equal(k3d.servers + k3d.agents, loadParityManifest().kubernetes.nodes);
    assert.equal(k3d.image, `rancher/k3s:${loadParityManifest().kubernetes.version.replace('+', '-')}`);
  });

  it('names the nodes as the lab does: pi1 the server, pi2 and pi3 the agents', () => {
    const names = Object.fromEntries(k3d.options.k3s.extraArgs.map((a) => [a.nodeFilters.join(','), a.arg]));
    assert.deepEqual(names, { 'server:0': '--node-name=pi1', 'agent:0': '--node-name=pi2', 'agent:1': '--node-name=pi3' });
  });
});
