import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readRefs } from '../../engine/sim/git/read-commits.ts';
import { initBare, looseRef, writeCommit } from '../../engine/sim/git/write-commit.ts';
import { git, scratchDir } from '../helpers/git-client.ts';

const author = { name: 'lab-tui', email: 'lab-tui@noreply.gitea.arcodange.lab' };
const at = Date.UTC(2026, 10, 30, 9, 15, 42, 500);

describe('lab-sim git: commits written without reading them back', () => {
  it('computes each commit as git writes it: id, tree, parents, dates and files, nested and deleted ones', async () => {
    const gitDir = join(scratchDir('git-write-'), 'repo.git');
    await initBare(gitDir, 'main');
    const first = await writeCommit(gitDir, {
      branch: 'main',
      changes: [
        { path: 'README.md', data: Buffer.from('# gitops\n') },
        { path: 'apps/erp/deployment-erp.yaml', data: Buffer.from('kind: Deployment\n') },
        { path: 'apps/erp.yaml', data: Buffer.from('kind: Application\n') },
        { path: 'bin/check', data: Buffer.from('#!/bin/sh\n'), mode: '100755' },
      ],
      message: 'Initial lab state',
      author,
      at,
    });
    const second = await writeCommit(gitDir, { branch: 'main', parent: first, changes: [{ path: 'apps/erp/deployment-erp.yaml', data: null }, { path: 'apps/erp/configmap.yaml', data: Buffer.from('kind: ConfigMap\n') }], message: 'drill: break erp\n', author, at: at + 60_000 });

    assert.equal(await looseRef(gitDir, 'main'), second.sha, 'the branch is where the computed commit says');
    const read = await readRefs(gitDir, new Map(), new Map());
    assert.deepEqual(read.branches, new Map([['main', second.sha]]));
    assert.deepEqual(read.added, [first, second], 'what git reads back is what was computed');
    assert.equal(await git(['--git-dir', gitDir, 'log', '--format=%H %P %s', 'main']), `${second.sha} ${first.sha} drill: break erp\n${first.sha}  Initial lab state`);
    assert.equal(await git(['--git-dir', gitDir, 'fsck', '--strict']), '', 'a repository git itself finds sound');
  });

  it('makes a bare repository git serves: HEAD on the default branch, empty until the first commit', async () => {
    const gitDir = join(scratchDir('git-init-'), 'repo.git');
    await initBare(gitDir, 'trunk');
    assert.equal(await git(['--git-dir', gitDir, 'rev-parse', '--is-bare-repository']), 'true');
    assert.equal(await git(['--git-dir', gitDir, 'symbolic-ref', 'HEAD']), 'refs/heads/trunk');
    assert.equal(await looseRef(gitDir, 'trunk'), undefined);
  });
});
