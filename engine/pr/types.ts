/** Domain types of runbook pull requests: what a run's improvisations propose to change. */

/** One proposed change to a runbook, anchored in the Markdown it edits. */
export interface RunbookEdit {
  /** Stable id within a proposal (`imp-1`, `fail-2`): what the operator edits or drops. */
  id: string;
  kind: 'improvised-step' | 'failure-note';
  /** The runbook section and the step after which the text goes (`undefined`: before the first step). */
  section: string;
  afterStep?: string;
  /** 1-based line in the runbook after which `markdown` is inserted (the end of the anchor step's item). */
  afterLine: number;
  /** The inserted Markdown, already indented as an item of the section's ordered list (or as a note). */
  markdown: string;
  /** One line for the operator's list: what happened and why the runbook should say it. */
  summary: string;
}

export interface Proposal {
  runId: string;
  /** The drill the run belongs to, when it is a drill run. */
  drill?: string;
  runbook: string;
  /** The runbook's digest the run followed: edits apply only to that exact text. */
  digest: string;
  date: string;
  edits: RunbookEdit[];
}
