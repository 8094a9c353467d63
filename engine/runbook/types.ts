/** Domain types of runbooks and their runs, shared by the engine, the CLI and the screens. */

/** A probe as written in a runbook: `vault.unsealed`, `{ node.ready: pi2 }`, or `{ probe: sql, database: erp, query: … }`. */
export interface ProbeSpec {
  /** A key of PROBES (engine/runbook/catalog.ts). */
  probe: string;
  params: Record<string, string | number | boolean>;
  /** How long verification waits for it to hold; requires: checks once. */
  timeoutMs?: number;
  line: number;
}

/** A fenced ```lab block: an engine action and/or the step's checks. */
export interface LabBlock {
  /** A key of ACTIONS (engine/runbook/catalog.ts). */
  action?: string;
  params: Record<string, string | number | boolean>;
  timeoutMs?: number;
  verify: ProbeSpec[];
  requires: ProbeSpec[];
  line: number;
}

export interface Step {
  /** `<section id>/<number>`, e.g. `vault-unseal-vso-re-auth/2`; what --from and the journal use. */
  id: string;
  /** 1-based position in its section. */
  number: number;
  kind: 'AGENT' | 'HUMAN';
  title: string;
  /** Markdown between the previous step (or the section heading) and this step, kept verbatim. */
  intro: string;
  /** Markdown lines inside the list item that are neither the title nor a fenced block. */
  body: string;
  /** A ```sh block: run by the engine for [AGENT] steps, shown for [HUMAN] steps. */
  command?: { code: string; line: number };
  lab?: LabBlock;
  /** Line of the list item. */
  line: number;
}

export interface Section {
  /** Slug of the title: lower case, runs of non-alphanumerics become `-`. Unique in the runbook. */
  id: string;
  title: string;
  /** Markdown after the last step (notes, cautions), kept verbatim. */
  outro: string;
  steps: Step[];
  line: number;
  /** sha256 of the section's text, its heading to the next one (trailing blank lines left out): the version a run followed, which the promotion gate compares with the section as it is now. */
  digest: string;
}

export interface Runbook {
  /** Absolute path. */
  file: string;
  /** The `#` heading, else the file name. */
  title: string;
  /** Markdown before the first `##` section. */
  intro: string;
  sections: Section[];
  /** sha256 of the file's bytes: the journal records which version a run followed. */
  digest: string;
  /** `file:line: …` for what is valid but most likely a mistake (an untagged item between steps); `--strict` makes them errors. */
  warnings: string[];
  /** The house style's breadcrumb spine (`vibe > Runbooks > Cluster recovery`), when the first line is one. */
  breadcrumb?: string[];
  /** The house style's status line: `Status: 🟢 Active  Last Updated: 2026-11-20  Related: …`. */
  status?: { status: string; lastUpdated?: string; related?: string };
}
