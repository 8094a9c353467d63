import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import { mermaidLabels, withDiagramsAsLabels } from '../../screens/runbooks/mermaid-labels.ts';
import { CLUSTER_RECOVERY } from '../helpers/runbook-desk-state.ts';

describe('a Mermaid diagram in the terminal: its node labels in order', () => {
  it('reads every node shape once, in the order the nodes first appear, <br/> as a space; init, classDef, class and style lines are not nodes', () => {
    const source = [
      "%%{init: {'theme':'base'}}%%",
      'flowchart TD',
      '  PC["Power cut<br/>(cluster down)"]:::dead --> LH[Restore Longhorn]',
      '  LH -->|then| VU(Unseal Vault)',
      '  VU --> D{Data back?}',
      '  D -- yes --> ERP((Scale up ERP))',
      '  D -- no --> DB[[Restore the dump]]',
      '  DB --> ERP',
      '  subgraph later',
      '    X([Report])',
      '  end',
      '  classDef dead fill:#6b7280,stroke:#4b5563,color:#fff',
      '  class LH store',
      '  style VU fill:#059669',
    ].join('\n');
    assert.deepEqual(mermaidLabels(source), ['Power cut (cluster down)', 'Restore Longhorn', 'Unseal Vault', 'Data back?', 'Scale up ERP', 'Restore the dump', 'Report']);
  });

  it('prose keeps its ordered list as is and loses the diagram source', () => {
    const prose = ['The order:', '', '```mermaid', 'flowchart LR', '  A["First"] --> B["Second"]', '```', '', '1. First, because…', '2. Second.'].join('\n');
    assert.equal(withDiagramsAsLabels(prose), ['The order:', '', 'diagram:', '  ◇ First', '  ◇ Second', '', '1. First, because…', '2. Second.'].join('\n'));
    assert.equal(withDiagramsAsLabels('```sh\nkubectl get nodes\n```'), '```sh\nkubectl get nodes\n```', 'other fences are left alone');
  });

  it("the shipped runbook's TL;DR diagram reads as its four steps after the power cut", () => {
    const tldr = loadRunbook(CLUSTER_RECOVERY).sections.find((s) => s.id === 'tl-dr')!;
    const shown = withDiagramsAsLabels(tldr.outro);
    assert.doesNotMatch(shown, /flowchart|classDef|-->|%%/);
    assert.match(shown, /◇ Power cut \(cluster down, disks intact\)\n\s+◇ 1 · Restore Longhorn volumes \(block-device injection\)\n\s+◇ 2 · Unseal Vault/);
    assert.match(shown, /^1\. \*\*Restore Longhorn first\.\*\*/m);
  });
});
