import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeskState, ProposalReview } from '../../engine/cockpit/types.ts';
import { press as pressKeys } from '../helpers/keys.ts';
import { pickerDesk } from '../helpers/runbook-desk-state.ts';

const review: ProposalReview = {
  runFile: '/e/runs/r.jsonl',
  runId: 'r',
  status: 'review',
  edits: [
    { id: 'fail-1', kind: 'failure-note', section: 's', afterStep: 's/2', afterLine: 10, markdown: '   > [!NOTE]\n   > Failed during …', summary: 'step s/2 failed', dropped: false },
    { id: 'imp-1', kind: 'improvised-step', section: 's', afterStep: 's/2', afterLine: 10, markdown: '3. [HUMAN] restarted VSO', summary: 'improvised: restarted VSO', dropped: false },
  ],
};

const press = (desk: DeskState, ...keys: string[]) => pressKeys({ desk, ui: { screen: 'runbooks' } }, ...keys);

describe('reviewing proposed runbook changes: e reword, d drop, enter accept, esc close', () => {
  const desk = pickerDesk({ proposal: review });

  it('d drops the selected change, j/k move the selection', () => {
    assert.deepEqual(press(desk, 'j', 'd').intents, [{ type: 'pr-drop', id: 'imp-1' }]);
    assert.deepEqual(press(desk, 'j', 'k', 'd').intents, [{ type: 'pr-drop', id: 'fail-1' }]);
  });

  it('e asks for the new wording and sends it; an empty wording changes nothing', () => {
    const { ui, intents } = press(desk, 'j', 'e', 'V', 'S', 'O', 'enter');
    assert.deepEqual(intents, [{ type: 'pr-reword', id: 'imp-1', text: 'VSO' }]);
    assert.equal(ui.prompt, undefined);
    assert.deepEqual(press(desk, 'e', 'enter').intents, []);
  });

  it('the review is the same on the Drills and Evidence screens', () => {
    for (const screen of ['drills', 'evidence'] as const) assert.deepEqual(pressKeys({ desk, ui: { screen } }, 'G', 'd').intents, [{ type: 'pr-drop', id: 'imp-1' }]);
  });

  it('enter proposes, esc closes, and the walkthrough keys do not apply meanwhile', () => {
    assert.deepEqual(press(desk, 'enter').intents, [{ type: 'pr-accept' }]);
    assert.deepEqual(press(desk, 'escape').intents, [{ type: 'pr-close' }]);
    assert.deepEqual(press(desk, 'i', 'f', 's').intents, []);
  });
});
