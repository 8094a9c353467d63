import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { ACTIONS } from './catalog.ts';
import { describe, entriesOf, has, lineOf, paramsOf, probesOf, timeoutOf, type Entry, type LabCtx } from './parse-lab-values.ts';
import type { Problems } from './parse-problems.ts';
import type { LabBlock } from './types.ts';

const CHECK_KEYS = ['timeout', 'verify', 'requires'];

/** A ```lab block's YAML (already de-indented); `fenceLine` is the file line of its opening fence. */
export function parseLabBlock(yaml: string, fenceLine: number, problems: Problems): LabBlock {
  const lab: LabBlock = { params: {}, verify: [], requires: [], line: fenceLine };
  const lines = new LineCounter();
  const doc = parseDocument(yaml, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const ctx: LabCtx = { problems, lines, fenceLine };
  for (const e of doc.errors) {
    const at = e.pos[0] >= 0 ? fenceLine + lines.linePos(e.pos[0]).line : fenceLine;
    problems.add(at, `lab block: YAML syntax: ${e.message.split('\n')[0]}`);
  }
  if (doc.errors.length) return lab;

  const root = doc.contents as Node | null;
  if (root === null || (isScalar(root) && root.value === null)) return lab;
  if (!isMap(root)) {
    problems.add(lineOf(root, ctx, fenceLine + 1), `lab block: expected a mapping (action, timeout, verify, requires and the action's parameters), found ${describe(root)}`);
    return lab;
  }

  const entries = entriesOf(root, ctx, 'lab block: ', fenceLine + 1);
  const actionEntry = entries.find((e) => e.key === 'action');
  let verifyErrors = 0;
  const paramEntries: Entry[] = [];
  for (const entry of entries) {
    if (entry === actionEntry) continue;
    if (entry.key === 'timeout') {
      const ms = timeoutOf(entry, ctx, '');
      if (ms !== undefined) lab.timeoutMs = ms;
    } else if (entry.key === 'verify' || entry.key === 'requires') {
      const before = problems.count;
      const probes = probesOf(entry, ctx);
      if (probes) lab[entry.key] = probes;
      if (entry.key === 'verify') verifyErrors = problems.count - before;
    } else paramEntries.push(entry);
  }

  if (actionEntry) {
    const name = isScalar(actionEntry.value) ? actionEntry.value.value : undefined;
    if (typeof name === 'string' && has(ACTIONS, name)) {
      lab.action = name;
      lab.params = paramsOf(paramEntries, ACTIONS[name]!, ctx, { field: '', what: name, otherKeys: ['action', ...CHECK_KEYS], line: actionEntry.line });
    } else
      problems.add(lineOf(actionEntry.value, ctx, actionEntry.line), `action: expected one of ${Object.keys(ACTIONS).join(', ')}, found ${describe(actionEntry.value)}`);
  } else
    for (const entry of paramEntries)
      problems.add(entry.line, `${entry.key}: unknown key (without an action only ${CHECK_KEYS.join(', ')} are allowed; parameters need "action:")`);

  // `wait` does nothing itself: without a probe it would wait for nothing. A verify list that is
  // already reported broken needs no second error.
  if (lab.action === 'wait' && lab.verify.length === 0 && verifyErrors === 0)
    problems.add(actionEntry?.line ?? fenceLine, 'action wait: expected at least one verify probe (wait holds the step until its verify probes hold)');
  return lab;
}
