import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import type * as Esbuild from 'esbuild';
import { projectRoot } from './project-root';

/** The script a worker thread runs, and the flags to run it with. */
export interface WorkerScript {
  file: string;
  execArgv: string[];
}

/**
 * Where worker thread `module` is run from: a path from the project's folder, without its extension
 * ('src/storage/sqlite/figures-worker'), or an absolute one. Built (`npm start` and the Docker image
 * run dist/): its compiled `.js` in dist/. From TypeScript sources (jest, tsx, `npm run sim:city`, and a
 * bundle made here): the `.ts` and what it imports from the project, bundled by esbuild (the transform
 * tsx applies, done once) into node_modules/.cache/anxin-workers and rebuilt when one of those files
 * changes. A thread then starts in ~60 ms; through tsx's loader it took ~400 ms to load the loader and
 * the sources again (every roster import starts two). Where the bundle cannot be made (no esbuild, a
 * read-only checkout), tsx's loader as before.
 */
export function workerScript(module: string): WorkerScript {
  const root = projectRoot();
  const abs = path.resolve(root, module);
  const dist = path.join(root, 'dist');
  if (__filename.endsWith('.js') && __filename.startsWith(dist + path.sep))
    return { file: path.join(dist, `${path.relative(root, abs)}.js`), execArgv: [] };
  const entry = `${abs}.ts`;
  try {
    return { file: bundled(entry, path.basename(abs)), execArgv: ['--enable-source-maps'] };
  } catch {
    return { file: entry, execArgv: ['--require', require.resolve('tsx/cjs')] };
  }
}

/** The bundle of `entry`, made or reused; its manifest lists the files it was made from and their times. */
function bundled(entry: string, name: string): string {
  const root = projectRoot();
  const cache = path.join(root, 'node_modules', '.cache', 'anxin-workers');
  const key = `${name}-${createHash('sha1').update(entry).digest('hex').slice(0, 10)}`;
  const out = path.join(cache, `${key}.js`);
  const manifest = path.join(cache, `${key}.json`);
  const fresh = () => {
    try {
      const made = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, number>;
      statSync(out);
      return Object.entries(made).every(([file, mtimeMs]) => statSync(file).mtimeMs === mtimeMs);
    } catch {
      return false;
    }
  };
  if (fresh()) return out;
  mkdirSync(cache, { recursive: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only from sources; a build never loads it
  const esbuild = require('esbuild') as typeof Esbuild;
  // written beside and renamed into place: test workers building the same bundle at once each leave a whole file
  const tmp = `${out}.${process.pid}-${threadId}.tmp`;
  const { metafile } = esbuild.buildSync({
    entryPoints: [entry],
    outfile: tmp,
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    metafile: true,
    logLevel: 'silent',
  });
  const made: Record<string, number> = {};
  for (const input of Object.keys(metafile.inputs)) {
    const file = path.resolve(root, input);
    made[file] = statSync(file).mtimeMs;
  }
  const tmpManifest = `${manifest}.${process.pid}-${threadId}.tmp`;
  writeFileSync(tmpManifest, JSON.stringify(made));
  renameSync(tmp, out);
  renameSync(tmpManifest, manifest);
  return out;
}
