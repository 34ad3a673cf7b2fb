import { existsSync } from 'node:fs';
import path from 'node:path';

/** The folder with package.json, whether running from src/ (tsx, jest) or dist/src/. */
export function projectRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + from);
    dir = up;
  }
  return dir;
}
