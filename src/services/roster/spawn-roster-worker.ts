import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker, type TransferListItem } from 'node:worker_threads';
import { workerScript } from '../../worker-script';

/** The heap an import's thread may take: V8 otherwise lets a million rows' garbage pile up to hundreds of MB before collecting it. */
export const WORKER_HEAP_MB = 192;

/**
 * Starts the roster import's worker (roster-import-worker) with `data` (its script: src/worker-script.ts). `youngMb`: V8's young generation for the thread;
 * `transfer`: what `data` carries that moves to the thread (a MessagePort); `tmpDir`: the
 * thread's temp folder (nothing of ours spools there since the workbook is read from the zip in
 * place, but a library the thread loads may).
 */
export function spawnRosterWorker(data: unknown, youngMb: number, tmpDir: string, transfer: TransferListItem[] = []): Worker {
  const script = workerScript('src/services/roster/roster-import-worker');
  return new Worker(script.file, {
    workerData: data,
    transferList: transfer,
    env: { ...process.env, TMPDIR: tmpDir, TMP: tmpDir, TEMP: tmpDir },
    execArgv: script.execArgv,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: youngMb },
  });
}

const PREFIX = 'anxin-import-';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
};

/**
 * Removes the temp folders of imports whose process is gone (killed mid-import). At start
 * (`atStart`) this process's own pid counts as gone too: in a container the app is pid 1
 * after every restart, and no import of ours has begun yet.
 */
export function sweepImportTemp(atStart = false): void {
  for (const name of readdirSync(os.tmpdir())) {
    const pid = name.startsWith(PREFIX) ? Number(name.slice(PREFIX.length).split('-')[0]) : NaN;
    if (!Number.isInteger(pid)) continue;
    if (pid === process.pid ? atStart : !alive(pid)) rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}

/** A temp folder for one import's threads, removed by the caller when they are gone (stale ones are swept first). */
export function importTempDir(): string {
  sweepImportTemp();
  return mkdtempSync(path.join(os.tmpdir(), `${PREFIX}${process.pid}-`));
}
