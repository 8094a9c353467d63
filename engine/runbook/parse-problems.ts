import { LocatedError, LocatedErrors } from '../common/located-error.ts';

/** Problems found while parsing one file: collected so the author fixes them all in one go. */
export class Problems {
  private readonly errors: LocatedError[] = [];
  /** What is most likely a mistake but is valid Markdown (an untagged item between steps). */
  readonly warnings: LocatedError[] = [];

  constructor(
    readonly file: string,
    private readonly input: 'runbook' | 'manifest' = 'runbook',
  ) {}

  add(line: number, detail: string, hint?: string): void {
    this.errors.push(new LocatedError({ file: this.file, line }, detail, hint));
  }

  warn(line: number, detail: string, hint?: string): void {
    this.warnings.push(new LocatedError({ file: this.file, line }, detail, hint));
  }

  get count(): number {
    return this.errors.length;
  }

  /** In file order, whichever pass found them. */
  throwIfAny(): void {
    if (this.errors.length) throw new LocatedErrors([...this.errors].sort((a, b) => a.location.line - b.location.line), this.input);
  }
}
