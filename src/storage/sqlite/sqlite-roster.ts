import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { workerScript } from '../../worker-script';
import { errorFromData, type ErrorData } from '../../domain/error-data';
import type { RosterRow, RowError } from '../../domain/roster';
import type { AppliedRoster, RosterPreview, RosterStage, RosterStore } from '../roster-stage';

/** What the main thread asks the stage's thread (roster-stage-thread.ts). */
type Question =
  { op: 'add'; rows: readonly RosterRow[] } | { op: 'check'; limit: number } | { op: 'apply'; actor: string } | { op: 'preview' };
export type StageRequest = (Question & { id: number }) | { op: 'inlet'; port: MessagePort } | { op: 'close' };
/** Its answers: `id` 0 is the stage's start; `step`, an apply's progress. */
export type StageReply = { id: number; result: unknown } | { id: number; error: ErrorData } | { id: number; step: [number, number] };

/**
 * The stage's thread's heap: it keeps the maps of communities, grids and groups by name and
 * the rows naming another community's (bounded); the rows themselves are in SQLite. A young
 * generation of 8 MB: it makes little garbage.
 */
const LIMITS = { maxOldGenerationSizeMb: 192, maxYoungGenerationSizeMb: 8 };

/**
 * The roster stage on SQLite: each stage is a worker thread with a connection of its own to
 * `file` (roster-apply.ts), so staging a million rows and applying them in one transaction
 * never blocks the event loop; meanwhile the bot's and the API's writes queue for the write lock.
 */
export function sqliteRoster(file: string): RosterStore {
  return {
    async stage() {
      const script = workerScript('src/storage/sqlite/roster-stage-thread');
      const worker = new Worker(script.file, { workerData: { file }, resourceLimits: LIMITS, execArgv: script.execArgv });
      const waiting = new Map<
        number,
        { resolve(v: unknown): void; reject(e: unknown): void; onStep?: (done: number, of: number) => void }
      >();
      let next = 1;
      let gone: Error | null = null;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      const fail = (e: Error) => {
        gone ??= e;
        for (const w of waiting.values()) w.reject(gone);
        waiting.clear();
      };
      worker.on('message', (m: StageReply) => {
        // (id 0: the thread's start, answered only when it failed; asks posted meanwhile wait in its port)
        if (m.id === 0) {
          if ('error' in m) fail(errorFromData(m.error));
          return;
        }
        const w = waiting.get(m.id);
        if (!w) return;
        if ('step' in m) {
          w.onStep?.(...m.step);
          return;
        }
        waiting.delete(m.id);
        if ('error' in m) w.reject(errorFromData(m.error));
        else w.resolve(m.result);
      });
      worker.on('error', (e) => fail(e));
      worker.on('exit', (code) => fail(new Error(`the roster stage's thread exited (${code})`)));
      const ask = <R>(request: Question, onStep?: (done: number, of: number) => void): Promise<R> =>
        new Promise<R>((resolve, reject) => {
          if (gone) {
            reject(gone);
            return;
          }
          const id = next++;
          waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, onStep });
          worker.postMessage({ ...request, id });
        });
      const stage: RosterStage = {
        add: (rows) => ask({ op: 'add', rows }),
        inlet() {
          const { port1, port2 } = new MessageChannel();
          worker.postMessage({ op: 'inlet', port: port2 } satisfies StageRequest, [port2]);
          return port1;
        },
        check: (limit) => ask<{ errors: RowError[]; rows: number }>({ op: 'check', limit }),
        apply: (actor, onStep) => ask<AppliedRoster>({ op: 'apply', actor }, onStep),
        preview: () => ask<RosterPreview>({ op: 'preview' }),
        abort() {
          // ends the thread after the statement it is in (a transaction open is rolled back as its connection closes);
          // what it answered before is still heard, then its exit fails what waits
          void worker.terminate();
        },
        async close() {
          worker.postMessage({ op: 'close' } satisfies StageRequest);
          await exited;
        },
      };
      return stage;
    },
  };
}
