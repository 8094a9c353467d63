import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';

/** A PATH holding every tool the suite needs but `without`, and an `id` that says we are not root. */
function pathWithout(without: string): string {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'ensure-tools-'));
  for (const tool of ['tmux', 'git', 'kubectl', 'psql', 'ansible-playbook', 'ls', 'cat']) {
    if (tool === without) continue;
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found) fs.symlinkSync(found, path.join(bin, tool));
  }
  fs.writeFileSync(path.join(bin, 'id'), '#!/bin/sh\necho 1000\n', { mode: 0o755 });
  return bin;
}

it('npm test stops before any test when a tool is missing and it cannot install it, naming the exact command', () => {
  const r = spawnSync('/bin/bash', ['test/ensure-tools.sh'], { env: { PATH: pathWithout('tmux') }, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /missing tmux; install them first:\n {2}sudo apt-get install -y --no-install-recommends tmux\n/);
});

it('passes when everything is there', () => {
  const r = spawnSync('/bin/bash', ['test/ensure-tools.sh'], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
