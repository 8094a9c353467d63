import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createProcessRunner } from '../../engine/adapters/process.ts';
import { isInsideZone, PlanFormatError, readPlan, tofuPlanGate } from '../../engine/gates/tofu-plan.ts';
import { UNVETTED } from '../helpers/unvetted.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const ZONE = 'sandbox.arcodange.lab';
const NOW = new Date('2025-05-14T10:00:00.000Z');

type Json = Record<string, any>;
const fixture = (name: string): Json => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
const gate = (plan: unknown, zone = ZONE) => tofuPlanGate(plan, zone, NOW);
const failing = (plan: unknown, zone = ZONE) => gate(plan, zone).checks.filter((c) => !c.ok).map((c) => c.name);

function formatError(plan: unknown): PlanFormatError {
  try {
    gate(plan);
  } catch (e) {
    assert.ok(e instanceof PlanFormatError, `expected a PlanFormatError, got ${e}`);
    return e;
  }
  assert.fail('expected the plan to be rejected');
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tofu-plan-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('tofu-plan gate', () => {
  it('passes when every change (create, update, delete, replace both ways) stays inside the zone', () => {
    const r = gate(fixture('plan-all-inside.json'));
    assert.equal(r.schema, 'lab-tui/gate@1');
    assert.equal(r.gate, 'tofu-plan');
    assert.equal(r.ok, true);
    assert.equal(r.summary, '5 change(s), all inside sandbox.arcodange.lab');
    assert.equal(r.at, NOW.toISOString());
    assert.deepEqual(
      r.checks.map((c) => c.name),
      [
        'create aws_route53_record.www',
        'update dns_a_record_set.api',
        'delete google_dns_record_set.old',
        'replace cloudflare_record.grafana',
        'replace azurerm_dns_a_record.apex',
      ],
    );
    for (const c of r.checks) {
      assert.equal(c.ok, true, c.name);
      assert.equal(c.expected, 'inside sandbox.arcodange.lab');
      assert.equal(c.detail, undefined);
    }
    assert.equal(r.checks[0]?.observed, 'www.sandbox.arcodange.lab');
    assert.equal(r.checks[1]?.observed, 'api.sandbox.arcodange.lab in sandbox.arcodange.lab');
    assert.equal(r.checks[4]?.observed, 'sandbox.arcodange.lab', 'the apex "@" is the zone itself');
  });

  it('fails on an update of a prod record and names it', () => {
    const r = gate(fixture('plan-prod-update.json'));
    assert.equal(r.ok, false);
    assert.equal(r.summary, '1 of 3 change(s) outside sandbox.arcodange.lab: update cloudflare_record.prod_www');
    const bad = r.checks.find((c) => !c.ok);
    assert.equal(bad?.name, 'update cloudflare_record.prod_www');
    assert.equal(bad?.observed, 'www.arcodange.lab');
    assert.match(bad?.detail ?? '', /www\.arcodange\.lab is outside sandbox\.arcodange\.lab/);
    assert.equal(r.checks.filter((c) => c.ok).length, 2);
  });

  it('fails on a replace outside the zone', () => {
    const r = gate(fixture('plan-replace-outside.json'));
    assert.equal(r.ok, false);
    assert.equal(r.summary, '1 of 2 change(s) outside sandbox.arcodange.lab: replace aws_route53_record.prod_api');
    assert.equal(r.checks[0]?.observed, 'api.arcodange.lab');
  });

  it('fails on a delete outside the zone', () => {
    const r = gate(fixture('plan-delete-outside.json'));
    assert.equal(r.ok, false);
    assert.deepEqual(failing(fixture('plan-delete-outside.json')), ['delete digitalocean_record.mail']);
    assert.match(r.summary, /^1 of 2 change\(s\) outside sandbox\.arcodange\.lab: delete digitalocean_record\.mail$/);
    assert.equal(r.checks[0]?.observed, 'mail.arcodange.lab in arcodange.lab');
  });

  it('ignores no-ops and data-source reads, even of prod names', () => {
    const plan = fixture('plan-ignored.json');
    const r = gate(plan);
    assert.equal(r.ok, true);
    assert.deepEqual(r.checks.map((c) => c.name), ['create aws_route53_record.www']);
    assert.equal(r.summary, '1 change(s), all inside sandbox.arcodange.lab');

    plan.resource_changes = plan.resource_changes.filter((rc: Json) => rc.change.actions[0] !== 'create');
    assert.equal(plan.resource_changes.length, 2);
    const none = gate(plan);
    assert.deepEqual([none.ok, none.summary, none.checks], [true, 'no change', []]);
  });

  it('passes a plan without any change: tofu leaves resource_changes out', () => {
    const plan = fixture('plan-all-inside.json');
    delete plan.resource_changes;
    plan.planned_values = {};
    const r = gate(plan);
    assert.deepEqual([r.ok, r.summary, r.checks], [true, 'no change', []]);
  });

  it('fails closed when the zone of a change cannot be determined', () => {
    const r = gate(fixture('plan-zone-unknown.json'));
    assert.equal(r.ok, false);
    assert.deepEqual(failing(fixture('plan-zone-unknown.json')), [
      'create aws_route53_record.svc',
      'create cloudflare_record.computed',
      'create random_password.db',
    ]);
    const [svc, computed, password, api] = r.checks;
    assert.equal(svc?.observed, 'zone unknown');
    assert.match(svc?.detail ?? '', /cannot determine the zone/);
    assert.match(svc?.detail ?? '', /name "svc" is relative to a zone the plan does not name/);
    assert.match(svc?.detail ?? '', /zone_id "Z0SANDBOX7K3Q2" is an id, not a zone name/);
    assert.match(svc?.detail ?? '', /fqdn is known only after apply/);
    assert.match(svc?.detail ?? '', /fail closed/);
    assert.match(computed?.detail ?? '', /name is known only after apply/);
    assert.equal(password?.observed, 'not a DNS resource');
    assert.match(password?.detail ?? '', /random_password is not a DNS record or zone/);
    assert.equal(api?.ok, true);
    assert.match(r.summary, /^3 of 4 change\(s\) outside sandbox\.arcodange\.lab: create aws_route53_record\.svc, create cloudflare_record\.computed, create random_password\.db$/);
  });

  it('fails closed on a change that carries neither before nor after values', () => {
    const plan = fixture('plan-all-inside.json');
    plan.resource_changes[0].change.after = null;
    const r = gate(plan);
    assert.equal(r.ok, false);
    assert.equal(r.checks[0]?.observed, 'zone unknown');
  });

  it('compares names label by label, ignoring case and trailing dots', () => {
    const plan = fixture('plan-tricky-names.json');
    const expected = [
      'create cloudflare_record.evil',
      'create aws_route53_record.parent',
      'create google_dns_record_set.suffix',
      'create azurerm_dns_a_record.evil_zone',
      'update aws_route53_record.moved_out',
      'update aws_route53_record.moved_in',
    ];
    assert.deepEqual(failing(plan), expected);
    // The configured zone in another case, with a trailing dot: the same verdicts, reported normalized.
    assert.deepEqual(failing(plan, 'Sandbox.Arcodange.LAB.'), expected);
    const r = gate(plan, 'Sandbox.Arcodange.LAB.');
    assert.match(r.summary, /^6 of 10 change\(s\) outside sandbox\.arcodange\.lab: create cloudflare_record\.evil, /);
    const byName = new Map(r.checks.map((c) => [c.name, c]));
    assert.equal(byName.get('create google_dns_record_set.upper')?.observed, 'www.sandbox.arcodange.lab');
    assert.equal(byName.get('create aws_route53_zone.sandbox')?.ok, true, 'the zone itself is inside');
    assert.equal(byName.get('create aws_route53_record.wildcard')?.ok, true);
    assert.equal(byName.get('update aws_route53_record.moved_out')?.observed, 'a.sandbox.arcodange.lab -> a.arcodange.lab');
    assert.match(byName.get('update aws_route53_record.moved_in')?.detail ?? '', /^before: b\.arcodange\.lab is outside/);
  });

  it('isInsideZone: the zone and names below it, nothing else', () => {
    assert.equal(isInsideZone('www.sandbox.arcodange.lab.', ZONE), true);
    assert.equal(isInsideZone('sandbox.arcodange.lab', ZONE), true);
    assert.equal(isInsideZone('WWW.Sandbox.Arcodange.Lab', 'sandbox.arcodange.lab.'), true);
    assert.equal(isInsideZone('evilsandbox.arcodange.lab', ZONE), false);
    assert.equal(isInsideZone('arcodange.lab', ZONE), false);
    assert.equal(isInsideZone('sandbox.arcodange.lab.evil.com', ZONE), false);
    assert.equal(isInsideZone('anything', ''), false);
  });

  it('fails an errored plan: its change list may be incomplete', () => {
    const plan = fixture('plan-all-inside.json');
    plan.errored = true;
    const r = gate(plan);
    assert.equal(r.ok, false);
    assert.equal(r.checks[0]?.name, 'plan complete');
    assert.equal(r.checks[0]?.ok, false);
    assert.match(r.summary, /^the plan errored/);
    assert.match(r.summary, /5 change\(s\), all inside sandbox\.arcodange\.lab$/);
  });

  it('rejects a configured zone that is not a DNS name', () => {
    assert.throws(() => gate(fixture('plan-all-inside.json'), 'not a zone'), /not a DNS name/);
  });

  describe('malformed plans: PlanFormatError naming the JSON path', () => {
    const cases: [string, (p: Json) => unknown, RegExp][] = [
      ['actions not a list', (p) => ((p.resource_changes[3].change.actions = 'create'), p), /^plan\.json: resource_changes\[3\]\.change\.actions: expected a list/],
      ['actions empty', (p) => ((p.resource_changes[1].change.actions = []), p), /^plan\.json: resource_changes\[1\]\.change\.actions: expected a list/],
      ['an action not a string', (p) => ((p.resource_changes[0].change.actions = ['create', 7]), p), /^plan\.json: resource_changes\[0\]\.change\.actions\[1\]: expected an action name/],
      ['address missing', (p) => (delete p.resource_changes[2].address, p), /^plan\.json: resource_changes\[2\]\.address: expected a non-empty string, got nothing/],
      ['mode unknown', (p) => ((p.resource_changes[0].mode = 'resource'), p), /^plan\.json: resource_changes\[0\]\.mode: expected "managed" or "data"/],
      ['change missing', (p) => (delete p.resource_changes[4].change, p), /^plan\.json: resource_changes\[4\]\.change: expected an object, got nothing/],
      ['after a string', (p) => ((p.resource_changes[0].change.after = 'www'), p), /^plan\.json: resource_changes\[0\]\.change\.after: expected an object or null/],
      ['resource_changes an object', (p) => ((p.resource_changes = {}), p), /^plan\.json: resource_changes: expected a list, got an object/],
      ['format_version missing', (p) => (delete p.format_version, p), /^plan\.json: format_version: expected a string/],
      ['format version 2', (p) => ((p.format_version = '2.0'), p), /^plan\.json: format_version: unsupported version "2\.0"/],
      ['a state, not a plan', () => ({ format_version: '1.0', terraform_version: '1.8.5', values: { root_module: {} } }), /^plan\.json: resource_changes: missing, and no planned_values either: this is not a plan/],
      ['not an object', () => [], /^plan\.json: expected a JSON object/],
    ];
    for (const [what, mutate, message] of cases)
      it(what, () => {
        const e = formatError(mutate(fixture('plan-all-inside.json')));
        assert.match(e.message, message);
        assert.equal(e.name, 'PlanFormatError');
      });

    it('the error carries its path', () => {
      const p = fixture('plan-all-inside.json');
      p.resource_changes[3].change.actions = null;
      const e = formatError(p);
      assert.equal(e.jsonPath, 'resource_changes[3].change.actions');
      assert.equal(e.message, 'plan.json: resource_changes[3].change.actions: expected a list of actions, got null');
    });
  });
});

describe('readPlan', () => {
  const binaryPlan = path.join(tmp, 'sandbox.tfplan');
  // A binary plan is a zip archive.
  fs.writeFileSync(binaryPlan, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x08, 0x00, 0x08, 0x00, 0x00, 0x00]));

  /** A `tofu` stand-in on the runner's PATH: records where and how it ran, then prints `body`. */
  function fakeTofu(body: string): { runner: ReturnType<typeof createProcessRunner>; argsFile: string } {
    const bin = fs.mkdtempSync(path.join(tmp, 'bin-'));
    const argsFile = path.join(bin, 'args');
    fs.writeFileSync(path.join(bin, 'tofu'), `#!/bin/sh\nprintf '%s\\n' "$PWD" "$@" > '${argsFile}'\n${body}\n`, { mode: 0o755 });
    return { runner: createProcessRunner({ PATH: `${bin}:/usr/bin:/bin` }, () => {}, UNVETTED), argsFile };
  }

  it('parses a .json file (tofu show -json output)', async () => {
    const file = path.join(FIXTURES, 'plan-prod-update.json');
    const plan = await readPlan(file);
    assert.deepEqual(plan, fixture('plan-prod-update.json'));
    assert.equal(gate(plan).ok, false);
  });

  it('parses any file whose first non-space byte is {', async () => {
    const file = path.join(tmp, 'plan.out');
    fs.writeFileSync(file, `\n  ${fs.readFileSync(path.join(FIXTURES, 'plan-all-inside.json'), 'utf8')}`);
    assert.equal(gate(await readPlan(file)).ok, true);
  });

  it('names the file when the JSON is broken or is not a plan', async () => {
    const broken = path.join(tmp, 'broken.json');
    fs.writeFileSync(broken, '{"format_version": "1.2", ');
    await assert.rejects(readPlan(broken), (e: unknown) => e instanceof PlanFormatError && e.message.startsWith(`${broken}: not valid JSON`));
    const bad = path.join(tmp, 'bad.json');
    const p = fixture('plan-all-inside.json');
    p.resource_changes[3].change.actions = 'delete';
    fs.writeFileSync(bad, JSON.stringify(p));
    await assert.rejects(readPlan(bad), (e: unknown) => e instanceof PlanFormatError && e.message === `${bad}: resource_changes[3].change.actions: expected a list of actions, got string "delete"`);
  });

  it('reports a missing file', async () => {
    await assert.rejects(readPlan(path.join(tmp, 'nope.json')), /plan file not found: .*nope\.json/);
  });

  it('a binary plan without tofu: says tofu is not installed and to pass its JSON instead', async () => {
    const message = /sandbox\.tfplan is a binary plan and tofu is not installed .*run `tofu show -json sandbox\.tfplan > plan\.json` and pass plan\.json instead/;
    await assert.rejects(readPlan(binaryPlan), message);
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    await assert.rejects(readPlan(binaryPlan, createProcessRunner({ PATH: empty }, () => {}, UNVETTED)), message);
  });

  it('a binary plan with tofu on the PATH: runs `tofu show -json FILE` in its directory', async () => {
    const { runner, argsFile } = fakeTofu(`cat '${path.join(FIXTURES, 'plan-replace-outside.json')}'`);
    const plan = await readPlan(binaryPlan, runner);
    assert.deepEqual(plan, fixture('plan-replace-outside.json'));
    assert.deepEqual(fs.readFileSync(argsFile, 'utf8').trim().split('\n'), [fs.realpathSync(tmp), 'show', '-json', binaryPlan]);
  });

  it('a binary plan tofu cannot show: the error carries what tofu said', async () => {
    const { runner } = fakeTofu(`echo 'Error: Failed to load plugin schemas' >&2\nexit 1`);
    await assert.rejects(readPlan(binaryPlan, runner), /`tofu show -json .*sandbox\.tfplan` failed \(exit 1\): Error: Failed to load plugin schemas/);
  });
});
