import { workerScript } from '../../src/worker-script';

/**
 * node's arguments to run a test's child process (a module of the project, named from its folder
 * without extension): its sources bundled once, as the app's worker threads are from sources
 * (src/worker-script.ts) — each start ~0.4 s sooner than through tsx's loader, and a crash test
 * starts many.
 */
export function childArgs(module: string): string[] {
  const { file, execArgv } = workerScript(module);
  return [...execArgv, file];
}
