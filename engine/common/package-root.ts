import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root, from the sources or from the compiled dist/ alike. */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'lab-tui') return dir;
    if (path.dirname(dir) === dir) throw new Error(`lab-tui's package.json not found above ${from}`);
  }
}

export const PACKAGE_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

export const manifestPath = (name: string) => path.join(PACKAGE_ROOT, 'manifests', name);
