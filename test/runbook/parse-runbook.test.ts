import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { LocatedError, LocatedErrors } from '../../engine/common/located-error.ts';
import { ACTIONS, PROBES, type CatalogEntry } from '../../engine/runbook/catalog.ts';
import { loadRunbook, parseRunbook } from '../../engine/runbook/parse-runbook.ts';

const FILE = '/runbooks/vault.md';
const FENCE = '```';

const VALID = `# Vault unseal and VSO re-auth

When the Pis lose power, Vault comes back **sealed**.

| symptom | cause |
|---|---|
| 503 | sealed |

## Vault: unseal & re-auth!

Check the dashboard first.

> [!CAUTION]
> Never paste the unseal key in a terminal.

1. [AGENT] Unseal Vault
   with the sandbox key
   ${FENCE}lab
   action: vault.unseal
   timeout: 90s
   requires:
     - postgres.reachable
   verify:
     - vault.unsealed
     - { node.ready: pi2 }
     - probe: sql
       database: erp
       query: select count(*) from orders
       min-rows: 1
       timeout: 2m
   ${FENCE}

   The key never shows on screen.

2) [HUMAN] Look at the VSO logs

   ${FENCE}text
   expected: "re-authenticated"
   ${FENCE}

   ~~~~sh
   kubectl -n vso logs deploy/vso | tail
   ~~~~

   ${FENCE}lab
   action: vso.reauth
   secret: erp-db
   verify:
     - secret.fresh: erp-db
   ${FENCE}

Between the steps, a table:

| a | b |
|---|---|
| 1 | 2 |

${FENCE}
1. [AGENT] not a step: inside a fence at column 0
## not a heading either
${FENCE}

10. [AGENT] Scale the ERP
    ${FENCE}bash
    kubectl -n erp scale deploy/erp --replicas=2
      echo indented stays indented
    ${FENCE}
    ${FENCE}lab
    action: k8s.scale
    deployment: erp
    replicas: 2
    verify:
      - probe: deployment.ready
        deployment: erp
        replicas: 2
        timeout: 500ms
    ${FENCE}

### Afterwards

Note for the outro.

## Wait for ArgoCD

Only prose, then a pure wait.

1. [AGENT] Wait for the apps
   ${FENCE}lab
   action: wait
   timeout: 120
   verify:
     - app.healthy
   ${FENCE}

## Notes

Just prose, no steps.
`;

/** 1-based line of the first line containing `needle`, so the fixture can change without renumbering. */
function lineOf(text: string, needle: string, from = 0): number {
  const lines = text.split('\n');
  const i = lines.findIndex((l, n) => n >= from && l.includes(needle));
  assert.ok(i >= 0, `fixture has no line with ${needle}`);
  return i + 1;
}

function errorsOf(text: string): string[] {
  try {
    parseRunbook(FILE, text);
  } catch (e) {
    assert.ok(e instanceof LocatedErrors, `expected LocatedErrors, got ${e}`);
    for (const x of e.errors) assert.ok(x instanceof LocatedError);
    return e.errors.map((x) => x.message);
  }
  assert.fail('expected the runbook to be rejected');
}

/** A runbook with one section whose first step is `step` (lines joined), for the malformed cases. */
const withStep = (...step: string[]): string => ['# T', '', '## Fix it', '', ...step, ''].join('\n');

describe('runbook parser: a valid runbook', () => {
  const book = parseRunbook(FILE, VALID);
  const [vault, wait, notes] = book.sections;

  it('takes the title from the # heading and the intro from the text before the first section', () => {
    assert.equal(book.file, FILE);
    assert.equal(book.title, 'Vault unseal and VSO re-auth');
    assert.equal(book.intro, 'When the Pis lose power, Vault comes back **sealed**.\n\n| symptom | cause |\n|---|---|\n| 503 | sealed |');
  });

  it('makes one section per ## heading, with slug ids and lines', () => {
    assert.deepEqual(
      book.sections.map((s) => [s.id, s.title, s.line]),
      [
        ['vault-unseal-re-auth', 'Vault: unseal & re-auth!', lineOf(VALID, '## Vault:')],
        ['wait-for-argocd', 'Wait for ArgoCD', lineOf(VALID, '## Wait for')],
        ['notes', 'Notes', lineOf(VALID, '## Notes')],
      ],
    );
  });

  it('numbers steps by position and gives them section-scoped ids', () => {
    assert.deepEqual(
      vault!.steps.map((s) => [s.id, s.number, s.kind, s.line]),
      [
        ['vault-unseal-re-auth/1', 1, 'AGENT', lineOf(VALID, '1. [AGENT] Unseal')],
        ['vault-unseal-re-auth/2', 2, 'HUMAN', lineOf(VALID, '2) [HUMAN]')],
        ['vault-unseal-re-auth/3', 3, 'AGENT', lineOf(VALID, '10. [AGENT]')],
      ],
    );
    assert.equal(wait!.steps[0]!.id, 'wait-for-argocd/1');
  });

  it('joins indented lines right after the item into the title, and keeps the rest as body', () => {
    const [unseal, logs] = vault!.steps;
    assert.equal(unseal!.title, 'Unseal Vault with the sandbox key');
    assert.equal(unseal!.body, 'The key never shows on screen.');
    assert.equal(logs!.title, 'Look at the VSO logs');
    assert.equal(logs!.body, '```text\nexpected: "re-authenticated"\n```', 'other fences stay in the body verbatim');
  });

  it('gives the prose before a step to that step, and the prose after the last step to the section', () => {
    const [unseal, logs, scale] = vault!.steps;
    assert.equal(unseal!.intro, 'Check the dashboard first.\n\n> [!CAUTION]\n> Never paste the unseal key in a terminal.');
    assert.equal(logs!.intro, '');
    assert.equal(
      scale!.intro,
      'Between the steps, a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\n1. [AGENT] not a step: inside a fence at column 0\n## not a heading either\n```',
    );
    assert.equal(vault!.outro, '### Afterwards\n\nNote for the outro.');
    assert.equal(wait!.steps[0]!.intro, 'Only prose, then a pure wait.');
    assert.deepEqual([notes!.steps, notes!.outro], [[], 'Just prose, no steps.']);
  });

  it('reads ```sh, ~~~~sh and ```bash blocks as the command, de-indented, with the fence line', () => {
    const [unseal, logs, scale] = vault!.steps;
    assert.equal(unseal!.command, undefined);
    assert.deepEqual(logs!.command, { code: 'kubectl -n vso logs deploy/vso | tail', line: lineOf(VALID, '~~~~sh') });
    assert.deepEqual(scale!.command, { code: 'kubectl -n erp scale deploy/erp --replicas=2\n  echo indented stays indented', line: lineOf(VALID, '```bash') });
  });

  it('reads the ```lab block: action, params, timeout and probes in all three forms with their lines', () => {
    const lab = vault!.steps[0]!.lab!;
    assert.deepEqual(lab, {
      action: 'vault.unseal',
      params: {},
      timeoutMs: 90_000,
      requires: [{ probe: 'postgres.reachable', params: {}, line: lineOf(VALID, '- postgres.reachable') }],
      verify: [
        { probe: 'vault.unsealed', params: {}, line: lineOf(VALID, '- vault.unsealed') },
        { probe: 'node.ready', params: { node: 'pi2' }, line: lineOf(VALID, '{ node.ready: pi2 }') },
        { probe: 'sql', params: { database: 'erp', query: 'select count(*) from orders', 'min-rows': 1 }, timeoutMs: 120_000, line: lineOf(VALID, '- probe: sql') },
      ],
      line: lineOf(VALID, '```lab'),
    });
  });

  it('checks params by type and accepts an action on a [HUMAN] step', () => {
    const [, logs, scale] = vault!.steps;
    assert.equal(logs!.lab!.action, 'vso.reauth');
    assert.deepEqual(logs!.lab!.params, { secret: 'erp-db' });
    assert.deepEqual(logs!.lab!.verify.map((p) => [p.probe, p.params]), [['secret.fresh', { secret: 'erp-db' }]]);
    assert.deepEqual(scale!.lab!.params, { deployment: 'erp', replicas: 2 });
    assert.deepEqual(scale!.lab!.verify[0], { probe: 'deployment.ready', params: { deployment: 'erp', replicas: 2 }, timeoutMs: 500, line: lineOf(VALID, '- probe: deployment.ready') });
  });

  it('reads a number timeout as seconds', () => {
    assert.deepEqual([wait!.steps[0]!.lab!.action, wait!.steps[0]!.lab!.timeoutMs], ['wait', 120_000]);
  });

  it('records the sha256 of the text, stable across parses and sensitive to any change', () => {
    assert.equal(book.digest, createHash('sha256').update(VALID, 'utf8').digest('hex'));
    assert.equal(parseRunbook('/elsewhere.md', VALID).digest, book.digest);
    assert.notEqual(parseRunbook(FILE, VALID.replace('tail', 'tail ')).digest, book.digest);
  });

  it('parses Windows line endings and a BOM the same (only the digest differs)', () => {
    const windows = parseRunbook(FILE, `\uFEFF${VALID.replace(/\n/g, '\r\n')}`);
    assert.notEqual(windows.digest, book.digest);
    assert.deepEqual({ ...windows, digest: '' }, { ...book, digest: '' });
  });

  it('falls back to the file name for the title', () => {
    const b = parseRunbook('/runbooks/power-cut.md', '## Recover\n\n1. [HUMAN] Plug the Pis back in\n');
    assert.deepEqual([b.title, b.intro, b.sections[0]!.steps[0]!.title], ['power-cut', '', 'Plug the Pis back in']);
  });

  it('ends an item at the first line at column 0, and keeps indented lines after a blank line', () => {
    const b = parseRunbook(FILE, withStep('1. [HUMAN] Check', '', '   first paragraph', '', '   - a bullet', 'Prose at column 0.', '2. [HUMAN] Next'));
    const [check, next] = b.sections[0]!.steps;
    assert.deepEqual([check!.title, check!.body, next!.intro], ['Check', 'first paragraph\n\n- a bullet', 'Prose at column 0.']);
  });

  it('ends the title where Markdown ends the paragraph: at a list, a quote or a heading', () => {
    const b = parseRunbook(FILE, withStep('1. [HUMAN] Check these', '   pods:', '   - erp', '   - vso'));
    assert.deepEqual([b.sections[0]!.steps[0]!.title, b.sections[0]!.steps[0]!.body], ['Check these pods:', '- erp\n- vso']);
  });

  it('loads a file by path: absolute file name and the digest of its bytes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-'));
    const file = path.join(dir, 'vault.md');
    fs.writeFileSync(file, VALID);
    const loaded = loadRunbook(path.relative(process.cwd(), file));
    assert.equal(loaded.file, file);
    assert.equal(loaded.digest, book.digest);
    assert.throws(() => loadRunbook(path.join(dir, 'missing.md')), (e: unknown) => e instanceof LocatedErrors && e.message === `${path.join(dir, 'missing.md')}:1: file not found`);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('runbook parser: malformed runbooks name file, line and what was expected', () => {
  it('a tag in the wrong case (an unknown bracket, like a link, is prose)', () => {
    assert.deepEqual(errorsOf(withStep('1. [agent] Restart', '2) [Human] Look', '3. [HUMAN] ok')), [
      `${FILE}:5: expected [AGENT] or [HUMAN] after "1.", found [agent] (tags are upper case)`,
      `${FILE}:6: expected [AGENT] or [HUMAN] after "2)", found [Human] (tags are upper case)`,
    ]);
    assert.deepEqual(parseRunbook(FILE, withStep('1. [HUMAN] ok', '2. [ROBOT] or [a link](x.md) is prose')).sections[0]!.steps.length, 1);
  });

  it('an unknown action, listing the valid ones', () => {
    const [err, ...rest] = errorsOf(withStep('1. [AGENT] Unseal', '   ```lab', '   action: vault.unsael', '   ```'));
    assert.deepEqual(rest, []);
    assert.match(err!, /^\/runbooks\/vault\.md:7: action: expected one of vault\.unseal, vso\.reauth, k8s\.scale, .*, wait, found "vault\.unsael"$/);
  });

  it('an unknown probe, listing the valid ones', () => {
    const [err, ...rest] = errorsOf(withStep('1. [AGENT] Unseal', '   ```lab', '   action: vault.unseal', '   verify:', '     - vault.open', '   ```'));
    assert.deepEqual(rest, []);
    assert.match(err!, /^\/runbooks\/vault\.md:9: verify\[0\]: expected a probe, one of node\.ready, vault\.unsealed, .*, sh, found "vault\.open"$/);
  });

  it('a missing required param, of an action and of a probe', () => {
    assert.deepEqual(errorsOf(withStep('1. [AGENT] Scale', '   ```lab', '   action: k8s.scale', '   deployment: erp', '   verify:', '     - probe: sql', '       query: select 1', '   ```')), [
      `${FILE}:7: replicas: missing required parameter of k8s.scale (desired replicas)`,
      `${FILE}:10: verify[0].database: missing required parameter of sql (database)`,
    ]);
  });

  it('a param of the wrong type', () => {
    assert.deepEqual(errorsOf(withStep('1. [AGENT] Scale', '   ```lab', '   action: k8s.scale', '   deployment: 42', '   replicas: two', '   ```')), [
      `${FILE}:8: deployment: expected a string, found number 42 (quote it to make it a string)`,
      `${FILE}:9: replicas: expected a number, found "two"`,
    ]);
  });

  it('an unknown key, with an action and without one', () => {
    assert.deepEqual(errorsOf(withStep('1. [AGENT] Scale', '   ```lab', '   action: k8s.rollout-restart', '   deployment: erp', '   replica: 2', '   ```', '2. [HUMAN] Check', '   ```lab', '   deployment: erp', '   ```')), [
      `${FILE}:9: replica: unknown parameter of k8s.rollout-restart (expected one of action, timeout, verify, requires, deployment, namespace)`,
      `${FILE}:13: deployment: unknown key (without an action only timeout, verify, requires are allowed; parameters need "action:")`,
    ]);
  });

  it('a shorthand on a probe that has none', () => {
    assert.deepEqual(errorsOf(withStep('1. [AGENT] Unseal', '   ```lab', '   action: vault.unseal', '   verify:', '     - vault.unsealed: yes', '   ```')), [
      `${FILE}:9: verify[0]: vault.unsealed takes no value in the { vault.unsealed: <value> } form (write it as "- vault.unsealed" or use probe: vault.unsealed with named parameters)`,
    ]);
  });

  it('bad YAML, at its line in the file', () => {
    const [err, ...rest] = errorsOf(withStep('1. [AGENT] Unseal', '   ```lab', '   action: vault.unseal', '   verify: [vault.unsealed', '   ```', '', 'More prose.'));
    assert.deepEqual(rest, []);
    assert.match(err!, /^\/runbooks\/vault\.md:8: lab block: YAML syntax: Flow sequence/);
    const [dup] = errorsOf(withStep('1. [AGENT] Unseal', '   ```lab', '   action: vault.unseal', '   timeout: 1m', '   action: wait', '   ```'));
    assert.match(dup!, /^\/runbooks\/vault\.md:9: lab block: YAML syntax: Map keys must be unique/);
  });

  it('a bad duration', () => {
    assert.deepEqual(errorsOf(withStep('1. [AGENT] Unseal', '   ```lab', '   action: vault.unseal', '   timeout: soon', '   verify:', '     - { probe: vault.unsealed, timeout: -5 }', '   ```')), [
      `${FILE}:8: timeout: expected a duration like 90s, 2m, 1h or 500ms, or a number of seconds, found "soon"`,
      `${FILE}:10: verify[0].timeout: expected a duration like 90s, 2m, 1h or 500ms, or a number of seconds, found number -5`,
    ]);
  });

  it('an unclosed fence, inside a step and between steps', () => {
    const hint = '(close it with the same fence characters, at least as many, before the next line at column 0)';
    assert.deepEqual(errorsOf(withStep('1. [AGENT] Restart', '   ```sh', '   systemctl restart vault', '   ``', 'Prose.')), [`${FILE}:6: fence opened here is never closed ${hint}`]);
    assert.deepEqual(errorsOf(withStep('1. [HUMAN] Look', '', '~~~', '2. [HUMAN] swallowed', '```')), [`${FILE}:7: fence opened here is never closed ${hint}`]);
  });

  it('a duplicate section id', () => {
    assert.deepEqual(errorsOf('## Restore the DB\n\n1. [HUMAN] a\n\n## Restore the DB!\n\n1. [HUMAN] b\n'), [
      `${FILE}:5: duplicate section id "restore-the-db": the section at line 1 already has it (expected each ## title to give a different id)`,
    ]);
  });

  it('two ```sh blocks (or two ```lab blocks) in one step', () => {
    assert.deepEqual(errorsOf(withStep('1. [AGENT] Restart', '   ```sh', '   a', '   ```', '   ```bash', '   b', '   ```', '   ```lab', '   timeout: 1m', '   ```', '   ```lab', '   timeout: 2m', '   ```')), [
      `${FILE}:9: expected at most one \`\`\`sh block per step (the first is at line 6)`,
      `${FILE}:15: expected at most one \`\`\`lab block per step (the first is at line 12)`,
    ]);
  });

  it('an [AGENT] step with nothing to do', () => {
    const expected = `${FILE}:5: [AGENT] step needs a \`\`\`sh command or a \`\`\`lab action (use "action: wait" with verify probes to only wait)`;
    assert.deepEqual(errorsOf(withStep('1. [AGENT] Look around', '   Just words.')), [expected]);
    assert.deepEqual(errorsOf(withStep('1. [AGENT] Look around', '   ```lab', '   verify:', '     - vault.unsealed', '   ```')), [expected]);
  });

  it('a wait without a verify probe', () => {
    assert.deepEqual(errorsOf(withStep('1. [AGENT] Wait', '   ```lab', '   action: wait', '   timeout: 5m', '   ```')), [
      `${FILE}:7: action wait: expected at least one verify probe (wait holds the step until its verify probes hold)`,
    ]);
  });

  it('no steps at all', () => {
    const expected = `${FILE}:1: expected at least one step ("1. [AGENT] …" or "1. [HUMAN] …" at column 0 under a "## Section" heading)`;
    assert.deepEqual(errorsOf('# Empty\n\nNothing here.\n\n## Notes\n\n- a bullet\n'), [expected]);
    assert.deepEqual(errorsOf(''), [expected]);
  });

  it('a step without a title', () => {
    assert.deepEqual(errorsOf(withStep('1. [HUMAN]', '   ```sh', '   ls', '   ```')), [`${FILE}:5: expected a step title after [HUMAN]`]);
  });

  it('a step before any section, and a tag glued to the number', () => {
    assert.deepEqual(errorsOf('1. [HUMAN] Early\n\n## S\n\n1.[HUMAN] Glued\n'), [
      `${FILE}:1: step outside a section: expected a "## Section title" heading before it`,
      `${FILE}:5: expected a space between "1." and the tag (without it Markdown shows no list item)`,
    ]);
  });

  it('reports every problem at once, in file order, with Windows line endings too', () => {
    const text = ['## A', '1. [AGENT] Nothing', '2. Untagged', '3. [HUMAN] Scale', '   ```lab', '   action: k8s.scale', '   replicas: 1', '   ```', '## A', '1. [AGENT] Wait', '   ```lab', '   action: wait', '   ```', '```sh', 'open'].join('\r\n');
    assert.deepEqual(errorsOf(text), [
      `${FILE}:2: [AGENT] step needs a \`\`\`sh command or a \`\`\`lab action (use "action: wait" with verify probes to only wait)`,
      `${FILE}:6: deployment: missing required parameter of k8s.scale (Deployment name)`,
      `${FILE}:9: duplicate section id "a": the section at line 1 already has it (expected each ## title to give a different id)`,
      `${FILE}:12: action wait: expected at least one verify probe (wait holds the step until its verify probes hold)`,
      `${FILE}:14: fence opened here is never closed (close it with the same fence characters, at least as many, before the next line at column 0)`,
    ]);
  });
});

describe('runbook parser: numbered lists that are not steps', () => {
  const warningsOf = (text: string) => parseRunbook(FILE, text).warnings;

  it('an untagged item between two steps is prose, with a warning naming its line and the steps around it', () => {
    const book = parseRunbook(FILE, withStep('1. [HUMAN] Look', '2. Restart vault', '3. [HUMAN] Check'));
    assert.deepEqual(book.sections[0]!.steps.map((x) => x.title), ['Look', 'Check']);
    assert.match(book.sections[0]!.steps[1]!.intro, /^2\. Restart vault$/, 'shown where it stands: before the next step');
    assert.deepEqual(book.warnings, [`${FILE}:6: "2." between steps 1 and 2 of "Fix it" is not tagged, so it is prose, not a step: did you mean [AGENT] or [HUMAN]? (only items tagged [AGENT] or [HUMAN] are steps)`]);
  });

  it('a forgotten tag before a ```lab block: the hint', () => {
    assert.deepEqual(warningsOf(withStep('1. [HUMAN] Look', '2. Unseal', '   ```lab', '   action: vault.unseal', '   ```')), [
      `${FILE}:6: "2." carries a \`\`\`lab block but is not a step: did you mean "2. [AGENT] …"? (only items tagged [AGENT] or [HUMAN] are steps)`,
    ]);
  });

  it('no warning for an ordered list after the last step, in a section without steps, in a fence or an admonition', () => {
    const text = ['# T', '', '## TL;DR', '', '```mermaid', 'flowchart TD', '  A["a"] --> B["b"]', '```', '', '1. First a.', '2. Then b.', '', '## Do', '', '1. [HUMAN] Look', '', '> [!NOTE]', '> 1. numbered in a note', '', '```text', '2. numbered in a fence', '```', '', 'Afterwards:', '', '1. tidy up', ''].join('\n');
    const book = parseRunbook(FILE, text);
    assert.deepEqual(book.warnings, []);
    assert.deepEqual(book.sections.map((x) => [x.id, x.steps.length]), [['tl-dr', 0], ['do', 1]]);
  });

  it('the house style\'s breadcrumb and status line', () => {
    const book = parseRunbook(FILE, ['[vibe](../README.md) > [Runbooks](README.md) > Cluster recovery', '', '# Cluster recovery', '', '**Status:** 🟢 Active · **Last Updated:** 2026-11-20 · **Related:** [A](a.md) · [B](b.md)', '', '## S', '', '1. [HUMAN] Look', ''].join('\n'));
    assert.equal(book.title, 'Cluster recovery');
    assert.deepEqual(book.breadcrumb, ['vibe', 'Runbooks', 'Cluster recovery']);
    assert.deepEqual(book.status, { status: '🟢 Active', lastUpdated: '2026-11-20', related: 'A · B' });
    assert.deepEqual(parseRunbook(FILE, 'Status: 🟡 Draft  Last Updated: 2026-01-02\n\n## S\n\n1. [HUMAN] x\n').status, { status: '🟡 Draft', lastUpdated: '2026-01-02' });
  });

  it('the shipped CLUSTER_RECOVERY.md is in the house style, with no error and no warning', () => {
    const book = loadRunbook(new URL('../../manifests/runbooks/CLUSTER_RECOVERY.md', import.meta.url).pathname);
    assert.deepEqual(book.warnings, []);
    assert.deepEqual(book.breadcrumb, ['vibe', 'Runbooks', 'Cluster recovery']);
    assert.equal(book.status?.status, '🟢 Active');
    assert.deepEqual(book.sections.filter((x) => !x.steps.length).map((x) => x.id), ['tl-dr', 'see-also']);
    assert.match(book.sections[0]!.outro, /```mermaid\n%%\{init: \{'theme':'base'\}\}%%\nflowchart TD/);
    assert.match(book.sections[0]!.outro, /\n1\. \*\*Restore Longhorn first\.\*\*/);
  });
});

describe('runbook format reference (manifests/runbooks/README.md)', () => {
  const readme = fs.readFileSync(new URL('../../manifests/runbooks/README.md', import.meta.url), 'utf8');

  it('has an example that parses', () => {
    const example = /````markdown\n([\s\S]*?)\n````/.exec(readme)?.[1];
    assert.ok(example, 'the README has a ````markdown example');
    const book = parseRunbook('/runbooks/vault-sealed.md', example);
    assert.deepEqual(
      book.sections[0]!.steps.map((s) => [s.kind, s.title, s.command !== undefined, s.lab?.action]),
      [
        ['AGENT', 'Unseal Vault', false, 'vault.unseal'],
        ['HUMAN', "Check the operator's logs", true, 'vso.reauth'],
        ['AGENT', 'Restart the ERP', true, undefined],
      ],
    );
  });

  /** The parameters cell as the README writes it, from the catalog. */
  const paramsCell = (entry: CatalogEntry): string =>
    entry.params
      .map((p) => `\`${p.name}\` (${{ string: 'text', number: 'number', boolean: 'true/false' }[p.type]}${p.required ? ', required' : ''}${entry.shorthand === p.name ? ', shorthand' : ''}): ${p.description}`)
      .join('<br>') || '—';

  for (const [title, catalog] of [['Actions', ACTIONS], ['Probes', PROBES]] as const)
    it(`lists every one of the ${title.toLowerCase()} with its parameters, as in catalog.ts`, () => {
      const table = readme.split(`\n## ${title}\n`)[1]!.split('\n## ')[0]!;
      const rows = table.split('\n').filter((l) => /^\| `/.test(l));
      assert.deepEqual(rows.map((r) => /^\| `([^`]+)`/.exec(r)![1]), Object.keys(catalog));
      for (const [row, [name, entry]] of rows.map((r, i) => [r, Object.entries(catalog)[i]!] as const)) {
        const [, description, params] = row.slice(2, -2).split(' | ');
        assert.ok(description!.startsWith(entry.description.replace(/\|/g, '\\|')), `${name}: description`);
        assert.equal(params, paramsCell(entry), `${name}: parameters`);
      }
    });
});
