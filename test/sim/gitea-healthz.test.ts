import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { LabSim } from '../../engine/sim/index.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { referenceFile } from '../helpers/reference.ts';

const facts = (JSON.parse(readFileSync(referenceFile('upstream-facts.json'), 'utf8')) as { gitea: { healthzKeys: string[]; healthzComponentKeys: string[]; healthzStatus: Record<string, number> } }).gitea;

interface Healthz {
  status: string;
  checks: Record<string, Record<string, string>[]>;
}

describe('lab-sim Gitea /api/healthz, as Gitea 1.22 answers it', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
    await sim.advance(60_000);
  });
  after(() => sim.stop());

  const read = async () => {
    const res = await fetch(`${sim.urls.gitea}/api/healthz`);
    return { code: res.status, body: (await res.json()) as Healthz };
  };
  const shapeOk = (body: Healthz) => {
    assert.deepEqual(Object.keys(body).sort(), [...facts.healthzKeys].sort());
    for (const [name, list] of Object.entries(body.checks))
      for (const c of list) {
        assert.deepEqual(Object.keys(c).filter((k) => !facts.healthzComponentKeys.includes(k)), [], `${name}: only upstream keys`);
        assert.match(c.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, `${name}: RFC 3339, whole seconds`);
        assert.equal('output' in c, c.status !== 'pass', `${name}: output only when not pass`);
      }
  };

  it('passes with 200 while its database answers, and fails with 424 naming the database when it does not', async () => {
    const up = await read();
    assert.equal(up.code, facts.healthzStatus.pass);
    assert.equal(up.body.status, 'pass');
    shapeOk(up.body);
    await sim.fault('db-drop', 'gitea');
    const down = await read();
    assert.equal(down.code, facts.healthzStatus.fail);
    assert.equal(down.body.status, 'fail');
    assert.equal(down.body.checks['database:ping']?.[0]?.status, 'fail');
    shapeOk(down.body);
  });
});
