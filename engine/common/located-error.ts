/** An error that points at a place in a file, with a hint on how to fix it. */
export interface Location {
  file: string;
  line: number;
  column?: number;
}

export class LocatedError extends Error {
  constructor(
    readonly location: Location,
    readonly detail: string,
    readonly hint?: string,
  ) {
    super(formatLocated(location, detail, hint));
    this.name = 'LocatedError';
  }
}

export function formatLocated(loc: Location, detail: string, hint?: string): string {
  const where = loc.column ? `${loc.file}:${loc.line}:${loc.column}` : `${loc.file}:${loc.line}`;
  return hint ? `${where}: ${detail} (${hint})` : `${where}: ${detail}`;
}

/** Several located errors found in one pass, so the operator fixes them all at once. */
export class LocatedErrors extends Error {
  constructor(
    readonly errors: LocatedError[],
    /** What kind of input was wrong, for the heading the CLI prints. */
    readonly input: 'configuration' | 'runbook' | 'manifest' = 'configuration',
  ) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'LocatedErrors';
  }
}
