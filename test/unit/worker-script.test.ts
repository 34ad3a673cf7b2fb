/**
 * Worker threads run from sources (src/worker-script.ts): their module and what it imports, bundled once
 * and reused, rebuilt when one of those files changes — a stale bundle would run old code.
 */
import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { workerScript } from '../../src/worker-script';
import { tempDir } from '../support/fixtures';

async function answer(dir: string): Promise<unknown> {
  const script = workerScript(path.join(dir, 'echo-worker'));
  const w = new Worker(script.file, { execArgv: script.execArgv });
  try {
    return await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  } finally {
    await w.terminate();
  }
}

describe('workerScript from sources', () => {
  it('bundles a worker and what it imports, reuses the bundle, and rebuilds it when an imported file changes', async () => {
    const tmp = tempDir('anxin-worker-script-');
    let made = '';
    try {
      writeFileSync(
        path.join(tmp.dir, 'echo-worker.ts'),
        "import { parentPort } from 'node:worker_threads';\nimport { word } from './word';\nparentPort!.postMessage(word);\n",
      );
      writeFileSync(path.join(tmp.dir, 'word.ts'), "export const word: string = '同意';\n");
      const first = workerScript(path.join(tmp.dir, 'echo-worker'));
      made = first.file;
      expect(first.file).toMatch(/node_modules[\\/]\.cache[\\/]anxin-workers[\\/]echo-worker-\w+\.js$/);
      expect(first.execArgv).toEqual(['--enable-source-maps']);
      const manifest = JSON.parse(readFileSync(first.file.replace(/\.js$/, '.json'), 'utf8')) as Record<string, number>;
      expect(Object.keys(manifest).sort()).toEqual([path.join(tmp.dir, 'echo-worker.ts'), path.join(tmp.dir, 'word.ts')]);
      expect(await answer(tmp.dir)).toBe('同意');
      const built = readFileSync(first.file, 'utf8');
      expect(workerScript(path.join(tmp.dir, 'echo-worker')).file).toBe(first.file); // reused
      // the imported file changes (a later time on disk): the next thread runs the new code
      writeFileSync(path.join(tmp.dir, 'word.ts'), "export const word: string = '我承诺';\n");
      const later = new Date(Date.now() + 5_000);
      utimesSync(path.join(tmp.dir, 'word.ts'), later, later);
      expect(await answer(tmp.dir)).toBe('我承诺');
      expect(readFileSync(first.file, 'utf8')).not.toBe(built);
    } finally {
      tmp.cleanup();
      if (made) for (const f of [made, made.replace(/\.js$/, '.json')]) rmSync(f, { force: true });
    }
  });
});
