import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DrillRecord } from '../../engine/drills/drill-record.ts';
import { rehearsalStatus, statusMarkdownLines, STATUS_END, STATUS_START, type StatusOptions } from '../../engine/drills/rehearsal-status.ts';
import { updateStatusBlock, type BlockUpdate } from '../../engine/drills/status-block.ts';

const NOW = new Date('2026-11-23T12:00:00Z');
const SECTION = 'a'.repeat(64);
// The shipped catalogue's classes, dns without a drill (as in manifests/drills).
const CATALOGUE = [
  { id: 'node-kill', changeClass: 'infra' },
  { id: 'vault-seal', changeClass: 'vault' },
  { id: 'longhorn-corruption', changeClass: 'storage' },
  { id: 'db-drop-restore', changeClass: 'database' },
  { id: 'argocd-bad-sync', changeClass: 'gitops' },
  { id: 'pki-reissue', changeClass: 'pki' },
];

/** A drill record as listDrillRecords reads it: by default a real, attended, sealed pass of vault-seal. */
function rec(p: Partial<DrillRecord>): DrillRecord {
  return { schema: 'lab-tui/drill-run@1', runId: 'r', drill: 'vault-seal', title: 'Vault seal', changeClass: 'vault', sandbox: 'sandbox', operator: 'op', autopilot: false, simulated: false, versions: {}, runbook: { file: 'x.md', section: 's', digest: 'd', sectionDigest: SECTION }, startedAt: '2026-11-20T10:00:00Z', outcome: 'passed', failedSteps: [], skippedSteps: [], improvised: [], journal: '/e/runs/r.jsonl', problems: [], integrity: { status: 'valid', sealed: true, tornLines: [] }, ...p };
}

const status = (records: DrillRecord[], o: Partial<StatusOptions> = {}) => rehearsalStatus(records, CATALOGUE, { now: NOW, currentSection: () => ({ digest: SECTION }), ...o });
const row = (s: ReturnType<typeof status>, cls: string) => s.classes.find((c) => c.changeClass === cls)!;
const RECORDS = [
  rec({ runId: 'v1', timeToRecover: { totalMs: 95_000, humanMs: 60_000, agentMs: 20_000, verifyMs: 15_000 } }),
  rec({ runId: 's2', drill: 'longhorn-corruption', changeClass: 'storage', startedAt: '2026-11-22T09:00:00Z', simulated: true, autopilot: true, sandbox: 'lab-sim' }),
  rec({ runId: 's1', drill: 'longhorn-corruption', changeClass: 'storage', startedAt: '2026-11-21T09:00:00Z', simulated: true, sandbox: 'lab-sim' }),
  rec({ runId: 'd1', drill: 'db-drop-restore', changeClass: 'database', outcome: 'passed-with-improvisation', improvised: ['restored by hand'] }),
];

describe('evidence status: per change-class, what the promotion gate would answer', () => {
  it('every class in order, the cycle the gate counts from', () => {
    const s = status(RECORDS);
    assert.deepEqual(s.classes.map((c) => c.changeClass), ['infra', 'vault', 'storage', 'database', 'gitops', 'pki', 'dns']);
    assert.equal(s.since, '2026-11-01');
  });

  it('a class with a counted pass shows that run, its date, time to recover and section digest, nothing missing', () => {
    const v = row(status(RECORDS), 'vault');
    assert.equal(v.ok, true);
    assert.deepEqual([v.lastPass?.runId, v.lastPass?.startedAt, v.lastPass?.timeToRecoverMs, v.lastPass?.sectionDigest, v.missing], ['v1', '2026-11-20T10:00:00Z', 95_000, SECTION, undefined]);
  });

  it('a class with only ignored runs says why, from the newest one', () => {
    const st = row(status(RECORDS), 'storage');
    assert.equal(st.ok, false);
    assert.equal(st.lastPass, undefined);
    assert.equal(st.missing, 'no run counts (2 ignored); newest s2 (2026-11-22): simulated: the guard identified lab-sim as lab-sim, which proves nothing about the real sandbox');
  });

  it('a class never run names its drills; a class without any drill says the catalogue has none', () => {
    const s = status(RECORDS);
    assert.equal(row(s, 'infra').missing, 'never run (drill: node-kill)');
    assert.equal(row(s, 'dns').missing, 'no drill of class dns in the catalogue: add one (sandbox.drills.path)');
  });

  it('a last counted run that passed only with improvisation is missing, with the gate\'s words', () => {
    assert.match(row(status(RECORDS), 'database').missing!, /^drill db-drop-restore passed only with improvisation \(run d1\): update the runbook/);
  });

  it('--allow-simulated counts lab-sim runs like the gate does, and the status says it did', () => {
    const s = status(RECORDS, { allowSimulated: true });
    assert.deepEqual([row(s, 'storage').ok, row(s, 'storage').lastPass?.runId, s.countedSimulated], [true, 's2', true]);
    assert.equal(status(RECORDS).countedSimulated, false);
  });
});

describe('evidence status --markdown: the block STATUS.md keeps', () => {
  it('between the markers: heading, cycle, one row per class', () => {
    const md = statusMarkdownLines(status(RECORDS)).join('\n');
    assert.equal(
      md,
      [
        STATUS_START,
        '### Rehearsal status',
        '',
        'Current cycle since 2026-11-01: per change-class, the last drill that counts for `lab-tui gate promote`.',
        '',
        '| class | last passing real drill | date | time to recover | section digest | missing |',
        '|---|---|---|---|---|---|',
        '| infra | - | - | - | - | never run (drill: node-kill) |',
        '| vault | vault-seal (run v1) | 2026-11-20 | 1m35s | `aaaaaaaaaaaa` | - |',
        '| storage | - | - | - | - | no run counts (2 ignored); newest s2 (2026-11-22): simulated: the guard identified lab-sim as lab-sim, which proves nothing about the real sandbox |',
        '| database | - | - | - | - | drill db-drop-restore passed only with improvisation (run d1): update the runbook, then run the drill again |',
        '| gitops | - | - | - | - | never run (drill: argocd-bad-sync) |',
        '| pki | - | - | - | - | never run (drill: pki-reissue) |',
        '| dns | - | - | - | - | no drill of class dns in the catalogue: add one (sandbox.drills.path) |',
        STATUS_END,
      ].join('\n'),
    );
  });

  it('says when simulated evidence was counted, and marks the row', () => {
    const md = statusMarkdownLines(status(RECORDS, { allowSimulated: true })).join('\n');
    assert.match(md, /^⚠ counted simulated evidence \(--allow-simulated\): it proves nothing about the real sandbox\.$/m);
    assert.match(md, /^\| storage \| longhorn-corruption \(run s2, simulated\) \| 2026-11-22 \|/m);
  });

  it('a | in a reason stays inside its cell', () => {
    const md = statusMarkdownLines(status([rec({ integrity: { status: 'invalid', line: 3, reason: 'a|b' } })])).join('\n');
    assert.match(md, /^\| vault \| - .*invalid journal: \/e\/runs\/r\.jsonl:3: a\\\|b \|$/m);
  });
});

const BLOCK = statusMarkdownLines(status(RECORDS));
const NEWER = statusMarkdownLines(status([...RECORDS, rec({ runId: 'i1', drill: 'node-kill', changeClass: 'infra' })]));
const bytes = (s: string) => Buffer.from(s, 'utf8');
const update = (file: string, block = NEWER) => updateStatusBlock(bytes(file), block);
/** The new bytes of an update that was not refused. */
function contentOf(r: BlockUpdate): Buffer {
  if (r.action === 'refused') throw new Error(`refused: ${r.line}: ${r.problem}`);
  return r.content;
}

describe('evidence status --update: only the marked block changes', () => {
  const before = '# STATUS\r\n\r\nOwner: ops — état: vert\r\n\r\n';
  const after = '\r\n## Risks\r\n\r\n- none \t \r\nno newline at the end';

  it('replaces the block and keeps every other byte (CRLF, trailing spaces, no final newline)', () => {
    const file = `${before}${BLOCK.join('\r\n')}${after}`;
    const r = update(file);
    const content = contentOf(r);
    assert.equal(r.action, 'replaced');
    assert.equal(content.toString('utf8'), `${before}${NEWER.join('\r\n')}${after}`);
    assert.ok(content.subarray(0, bytes(before).length).equals(bytes(before)));
    assert.ok(content.subarray(content.length - bytes(after).length).equals(bytes(after)));
  });

  it('keeps bytes that are not UTF-8 as they were', () => {
    const latin1 = Buffer.from('caf\xe9\n\n', 'latin1');
    const file = Buffer.concat([latin1, bytes(`${BLOCK.join('\n')}\n`)]);
    const r = updateStatusBlock(file, NEWER);
    assert.ok(contentOf(r).equals(Buffer.concat([latin1, bytes(`${NEWER.join('\n')}\n`)])));
  });

  it('a second update with the same evidence changes nothing', () => {
    const file = `# STATUS\n\n${BLOCK.join('\n')}\n`;
    const once = update(file);
    assert.equal(once.action, 'replaced');
    const twice = updateStatusBlock(contentOf(once), NEWER);
    assert.equal(twice.action, 'unchanged');
    assert.ok(contentOf(twice).equals(contentOf(once)));
  });

  it('without markers, appends the block after one blank line, whatever the file ends with', () => {
    const appended = (file: string) => {
      const r = update(file);
      assert.equal(r.action, 'appended', file);
      return contentOf(r).toString('utf8');
    };
    assert.equal(appended('# STATUS\n'), `# STATUS\n\n${NEWER.join('\n')}\n`);
    assert.equal(appended('# STATUS'), `# STATUS\n\n${NEWER.join('\n')}\n`);
    assert.equal(appended('# STATUS\n\n'), `# STATUS\n\n${NEWER.join('\n')}\n`);
    assert.equal(appended('# STATUS\r\n'), `# STATUS\r\n\r\n${NEWER.join('\r\n')}\r\n`);
    assert.equal(appended(''), `${NEWER.join('\n')}\n`);
    // Appended once, the next update finds the markers: idempotent from then on.
    assert.equal(updateStatusBlock(bytes(appended('# STATUS\n')), NEWER).action, 'unchanged');
  });

  it('markers shown in a fenced example are not the block', () => {
    const file = `# STATUS\n\n\`\`\`\n${STATUS_START}\n\`\`\`\n`;
    assert.equal(update(file).action, 'appended');
  });

  it('refuses broken markers, naming the line', () => {
    const refused = (file: string) => {
      const r = update(file);
      if (r.action !== 'refused') assert.fail(`not refused (${r.action}): ${file}`);
      return `${r.line}: ${r.problem}`;
    };
    assert.equal(refused(`# STATUS\n\n${STATUS_START}\n| old |\n`), `3: start marker ${STATUS_START} without an end marker ${STATUS_END} after it`);
    assert.equal(refused(`${BLOCK.join('\n')}\n\n${BLOCK.join('\n')}\n`), `${BLOCK.length + 2}: a second ${STATUS_START} (the first is on line 1): keep one block`);
    assert.equal(refused(`# STATUS\n${STATUS_END}\n${STATUS_START}\n`), `2: end marker ${STATUS_END} without a start marker ${STATUS_START} before it`);
    assert.equal(refused(`${STATUS_START}\n${STATUS_END}\n${STATUS_END}\n`), `3: a second end marker ${STATUS_END} (the block is lines 1-2)`);
  });
});
