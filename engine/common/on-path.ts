import fs from 'node:fs';
import path from 'node:path';

/** Where `command` would run from: itself when it names a path, else the first executable file of that name on `pathVar`. */
export function findOnPath(command: string, pathVar: string | undefined): string | undefined {
  const executable = (file: string) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/')) return executable(command) ? command : undefined;
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, command))) return path.join(dir, command);
  }
  return undefined;
}

export const onPath = (command: string, pathVar: string | undefined): boolean => findOnPath(command, pathVar) !== undefined;
