import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../engine/common/package-root.ts';

/** `../shared/reference` beside the checkout: the real systems' schemas, read in place and never copied into the project. */
export const REFERENCE_DIR = join(PACKAGE_ROOT, '..', 'shared', 'reference');

/** A file of the reference data; a clear failure (never a skip) where the checkout has none beside it. */
export function referenceFile(...parts: string[]): string {
  const file = join(REFERENCE_DIR, ...parts);
  if (!existsSync(file)) throw new Error(`${file} is missing: the conformance tests read the upstream schemas from ../shared/reference beside the checkout (see its README)`);
  return file;
}
