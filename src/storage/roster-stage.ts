import type { MessagePort } from 'node:worker_threads';
import type { RosterRow, RowError } from '../domain/roster';

/** A legal but surprising change an import makes: `key` names its text in locales (api:warnings.*). */
export interface RosterWarning {
  row: number;
  key: 'head_changed' | 'house_moved' | 'landlord_renamed' | 'group_large';
  params: Record<string, string | number>;
}
export interface AppliedRoster {
  created: number;
  updated: number;
  unchanged: number;
  warnings: RosterWarning[];
}

/** What an import would do, worked out without writing anything (the dry run staff see before importing). */
export interface RosterPreview {
  /** valid rows staged */
  rows: number;
  /** of them, houses the store does not have yet */
  created: number;
  warnings: RosterWarning[];
}

/** A group of more than this many houses is worth a look (十户一长: about ten). */
export const LARGE_GROUP = 15;

/**
 * One roster import on its way into the store: valid rows go in as they are read (`add`, or
 * from another thread through `inlet`), then they are checked across rows and applied all at
 * once with the audit entry. Each adapter decides where the rows wait (SQLite: a TEMP table on
 * a connection of its own, in a worker thread; MongoDB: memory) — the answers are the same.
 * `close` it whatever happens: applied or not, what it staged goes.
 */
export interface RosterStage {
  /** Stages a batch of valid rows (row numbers rising across batches). */
  add(rows: readonly RosterRow[]): Promise<void>;
  /**
   * A port a reader on another thread may stage batches through, without them passing through
   * this thread: post `{ rows }`; each batch is answered `'ack'` once staged, or `'failed'`
   * (the reason is then what `check` throws). Transfer it to that thread.
   */
  inlet(): MessagePort;
  /**
   * The checks across rows: a house code once, one head per group, one name per phone, and no
   * grid or group of another community (`ParentNames`). Lists at most `limit` problems; `rows`
   * counts every row with one, each once.
   */
  check(limit: number): Promise<{ errors: RowError[]; rows: number }>;
  /**
   * Applies the staged roster: communities, grids, groups, landlords (by phone), houses (by
   * code) and heads upserted, the audit entry written; the warnings are read before anything
   * is written. `onStep` hears progress (`done` of `of` steps). Throws `conflict` when the
   * store changed under the stage in a way it cannot apply over.
   */
  apply(actor: string, onStep?: (done: number, of: number) => void): Promise<AppliedRoster>;
  /**
   * What `apply` would do, without writing anything to the store: the rows, the houses it
   * would add, and the same warnings `apply` reads first (a dry run; the stage is then closed).
   */
  preview(): Promise<RosterPreview>;
  /**
   * Stops what the stage is doing (an import's time budget ran out, or staff cancelled it): an
   * `add`, `check` or `apply` under way stops — SQLite's thread is ended, its transaction rolled
   * back; the collections' stage stops before its next write slice — and rejects. `close` still
   * follows, and resolves once the stage has really stopped (so the import's lock is released
   * only then).
   */
  abort(): void;
  close(): Promise<void>;
}

/** The roster import's part of the Store port. */
export interface RosterStore {
  /** Opens a stage for one import (the store's grids and groups as they are now are what `check` compares with). */
  stage(): Promise<RosterStage>;
}
