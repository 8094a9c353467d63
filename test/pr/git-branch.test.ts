import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createProcessRunner } from '../../engine/adapters/process.ts';
import { branchName, pushRunbookBranch } from '../../engine/pr/git-branch.ts';
import { GitStepError } from '../../engine/pr/git-caller.ts';
import { Redactor } from '../../engine/runbook/redact.ts';
import { UNVETTED } from '../helpers/unvetted.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-tui-git-branch-'));
const git = createProcessRunner({ PATH: process.env.PATH!, HOME: tmp }, () => {}, UNVETTED);
const bare = path.join(tmp, 'runbooks.git');
const clone = path.join(tmp, 'clone');
const FILE = 'runbooks/database.md';
const ORIGINAL = '# Database\n\n## Restore\n\n1. Stop the app.\n2. Restore the dump.\n';
const author = { name: 'Lab Operator', email: 'operator@lab.test' };

async function sh(args: string[], cwd = tmp): Promise<string> {
  const r = await git.run('git', args, { cwd });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(' ')}: ${String(r.stderr)}`);
  return String(r.stdout).trim();
}
const inBare = (...args: string[]) => sh(['--git-dir', bare, ...args]);

before(async () => {
  const seed = path.join(tmp, 'seed');
  await sh(['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  await sh(['init', '--quiet', '--initial-branch=main', seed]);
  fs.mkdirSync(path.join(seed, 'runbooks'));
  fs.writeFileSync(path.join(seed, FILE), ORIGINAL);
  fs.writeFileSync(path.join(seed, 'runbooks', 'vault.md'), '# Vault\n');
  await sh(['-C', seed, 'add', '.']);
  await sh(['-C', seed, '-c', 'user.name=Seed', '-c', 'user.email=seed@lab.test', 'commit', '--quiet', '-m', 'seed runbooks']);
  await sh(['-C', seed, 'push', '--quiet', bare, 'main']);
  await sh(['clone', '--quiet', bare, clone]);
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('pushRunbookBranch against a real bare remote', () => {
  const branch = branchName('db-drop-restore', '2024-05-01', '20240501T101500Z-restore');
  const content = ORIGINAL.replace('2. Restore the dump.\n', '2. Restore the dump.\n3. Re-grant the app role.\n');
  const base = { git, repoDir: clone, remote: 'origin', base: 'main', branch, file: FILE, author };
  let first = '';

  test('pushes a branch whose one commit changes only the runbook', async () => {
    const mainTip = await inBare('rev-parse', 'refs/heads/main');
    const r = await pushRunbookBranch({ ...base, content, message: 'runbook: re-grant the app role\n\nFrom run 20240501T101500Z-restore.' });
    assert.equal(r.created, true);
    first = r.commit;
    assert.equal(await inBare('rev-parse', `refs/heads/${branch}`), r.commit);
    assert.equal(await inBare('rev-parse', `${r.commit}^`), mainTip);
    assert.equal(await inBare('diff-tree', '--no-commit-id', '--name-only', '-r', r.commit), FILE);
    assert.equal(await inBare('show', `${r.commit}:${FILE}`), content.trimEnd());
    assert.equal(await inBare('log', '-1', '--format=%an <%ae>|%cn <%ce>', r.commit), 'Lab Operator <operator@lab.test>|Lab Operator <operator@lab.test>');
    assert.equal(await inBare('log', '-1', '--format=%B', r.commit), 'runbook: re-grant the app role\n\nFrom run 20240501T101500Z-restore.');
    // The clone's worktree and checked-out branch are untouched; the local branch points at the commit.
    assert.equal(await sh(['-C', clone, 'rev-parse', '--abbrev-ref', 'HEAD']), 'main');
    assert.equal(fs.readFileSync(path.join(clone, FILE), 'utf8'), ORIGINAL);
    assert.equal(await sh(['-C', clone, 'status', '--porcelain']), '');
    assert.equal(await sh(['-C', clone, 'rev-parse', `refs/heads/${branch}`]), r.commit);
  });

  test('the same content again adds nothing, even from another clone', async () => {
    const other = path.join(tmp, 'other-clone');
    await sh(['clone', '--quiet', bare, other]);
    for (const repoDir of [clone, other]) {
      const r = await pushRunbookBranch({ ...base, repoDir, content, message: 'runbook: again' });
      assert.deepEqual(r, { commit: first, created: false });
    }
    assert.equal(await inBare('rev-parse', `refs/heads/${branch}`), first);
    assert.equal(await inBare('rev-list', '--count', `main..${branch}`), '1');
  });

  test('different content goes in a new commit on top, never a rewrite', async () => {
    const next = content + '4. Check the app answers.\n';
    const r = await pushRunbookBranch({ ...base, content: next, message: 'runbook: check the app' });
    assert.equal(r.created, true);
    assert.equal(await inBare('rev-parse', `${r.commit}^`), first);
    assert.equal(await inBare('rev-list', '--count', `main..${branch}`), '2');
    assert.equal(await inBare('show', `${branch}:${FILE}`), next.trimEnd());
    assert.equal(await inBare('diff-tree', '--no-commit-id', '--name-only', '-r', r.commit), FILE);
  });

  test('someone else’s commit on the branch is kept: ours goes on top', async () => {
    const theirs = path.join(tmp, 'their-clone');
    await sh(['clone', '--quiet', '--branch', branch, bare, theirs]);
    fs.writeFileSync(path.join(theirs, 'runbooks', 'vault.md'), '# Vault\n\nReviewed.\n');
    await sh(['-C', theirs, '-c', 'user.name=Reviewer', '-c', 'user.email=rev@lab.test', 'commit', '--quiet', '-am', 'review']);
    await sh(['-C', theirs, 'push', '--quiet', 'origin', branch]);
    const theirTip = await inBare('rev-parse', `refs/heads/${branch}`);

    const r = await pushRunbookBranch({ ...base, content: 'rewritten\n', message: 'runbook: rewrite' });
    assert.equal(r.created, true);
    assert.equal(await inBare('rev-parse', `${r.commit}^`), theirTip);
    assert.equal(await inBare('show', `${branch}:runbooks/vault.md`), '# Vault\n\nReviewed.');
    assert.equal(await inBare('show', `${branch}:${FILE}`), 'rewritten');
  });

  test('a new file is added on a fresh branch from the remote base', async () => {
    const b2 = branchName(undefined, '2024-05-02', 'another-run');
    const r = await pushRunbookBranch({ ...base, branch: b2, file: 'runbooks/new/dns.md', content: '# DNS\n', message: 'runbook: dns' });
    assert.equal(r.created, true);
    assert.equal(await inBare('rev-parse', `${r.commit}^`), await inBare('rev-parse', 'main'));
    assert.equal(await inBare('diff-tree', '--no-commit-id', '--name-only', '-r', r.commit), 'runbooks/new/dns.md');
  });

  test('content already on the base is nothing to propose', async () => {
    await assert.rejects(
      pushRunbookBranch({ ...base, branch: 'runbook/unchanged', content: ORIGINAL, message: 'noop' }),
      /nothing to propose/,
    );
    assert.equal(await inBare('for-each-ref', 'refs/heads/runbook/unchanged'), '');
  });

  test('a nonexistent remote fails naming the git step and its stderr', async () => {
    const missing = path.join(tmp, 'no-such-remote.git');
    await assert.rejects(pushRunbookBranch({ ...base, remote: missing, content, message: 'x' }), (err: unknown) => {
      assert.ok(err instanceof GitStepError);
      assert.equal(err.step, 'ls-remote');
      assert.match(err.message, /^git ls-remote failed \(exit \d+\): .*no-such-remote\.git/s);
      return true;
    });
  });

  test('a push to a nonexistent push URL fails naming the push step', async () => {
    await sh(['-C', clone, 'remote', 'add', 'broken', bare]);
    await sh(['-C', clone, 'config', 'remote.broken.pushurl', path.join(tmp, 'gone', 'push.git')]);
    await assert.rejects(pushRunbookBranch({ ...base, remote: 'broken', branch: 'runbook/push-fails', content, message: 'x' }), (err: unknown) => {
      assert.ok(err instanceof GitStepError);
      assert.equal(err.step, 'push');
      assert.match(err.message, /^git push failed \(exit \d+\): .*gone\/push\.git/s);
      return true;
    });
    assert.equal(await inBare('for-each-ref', 'refs/heads/runbook/push-fails'), '');
  });

  test('credentials in a remote URL are redacted from the error', async () => {
    const redactor = new Redactor();
    redactor.add('s3cr3t-t0ken');
    await assert.rejects(pushRunbookBranch({ ...base, remote: 'http://bot:s3cr3t-t0ken@127.0.0.1:9/runbooks.git', content, message: 'x', redactor }), (err: unknown) => {
      assert.ok(err instanceof GitStepError);
      assert.doesNotMatch(err.message, /s3cr3t-t0ken/);
      assert.match(err.message, /^git ls-remote failed/);
      return true;
    });
  });

  test('paths outside the repository and bad branch names are refused before any network step', async () => {
    for (const file of ['../escape.md', '/etc/passwd', '.git/config', 'runbooks/', ''])
      await assert.rejects(pushRunbookBranch({ ...base, file, content, message: 'x' }), /not a file path inside the repository/);
    await assert.rejects(pushRunbookBranch({ ...base, branch: 'bad..name', content, message: 'x' }), /git check-ref-format failed/);
    await assert.rejects(pushRunbookBranch({ ...base, branch: '--force', content, message: 'x' }), /invalid branch/);
    await assert.rejects(pushRunbookBranch({ ...base, branch: 'main', content, message: 'x' }), /must not be the base branch/);
  });
});

describe('branchName', () => {
  test('drill, date and a short id of the run', () => {
    const name = branchName('db-drop-restore', '2024-05-01', '20240501T101500Z-restore-the-database');
    assert.match(name, /^runbook\/db-drop-restore-2024-05-01-[0-9a-f]{8}$/);
    assert.equal(name, branchName('db-drop-restore', '2024-05-01', '20240501T101500Z-restore-the-database'));
    assert.notEqual(name, branchName('db-drop-restore', '2024-05-01', '20240501T101500Z-restore-the-database-2'));
  });

  test('no drill: run; ISO timestamps keep their day', () => {
    assert.match(branchName(undefined, '2024-05-01T10:15:00Z', 'r1'), /^runbook\/run-2024-05-01-[0-9a-f]{8}$/);
  });

  test('anything unsafe for a git ref is cleaned', async () => {
    const name = branchName('  Weird drill..name~^:?*[\\ .lock', 'May 1st', 'x');
    assert.match(name, /^runbook\/[a-z0-9._-]+$/);
    assert.doesNotMatch(name, /\.\.|\.lock|\/\.|@\{|--/);
    const r = await git.run('git', ['check-ref-format', `refs/heads/${name}`]);
    assert.equal(r.exitCode, 0, name);
  });
});
