import type { MessagePort } from 'node:worker_threads';
import type { ErrorData } from '../../domain/error-data';
import type { RosterRow, RowError } from '../../domain/roster';
import type { RosterSource } from './read-roster-table';
import type { SheetMerges } from './read-xlsx';
import type { RosterLimits } from './roster-limits';

/**
 * What the import's reading thread is asked: read `source`, check each row, and stage the
 * valid ones through `inlet` (the Store's roster stage, `RosterStage.inlet`). `merges`: the
 * roster sheet's merged cells, when a first reading found some.
 */
export interface WorkerJob {
  source: RosterSource;
  limits: RosterLimits;
  inlet: MessagePort;
  merges?: SheetMerges;
}

/** bad rows listed at most: enough to fix a sheet, bounded for a sheet that is all wrong (all are counted) */
export const MAX_LISTED_ERRORS = 10_000;

/** valid rows a dry run shows (the first of the file) */
export const PREVIEW_ROWS = 10;

export type ImportPhase = 'parse' | 'check' | 'apply';
export type WorkerMessage =
  | { type: 'progress'; phase: ImportPhase; processed: number; total: number }
  /**
   * the file is read and every valid row staged: `rows` data rows, `bad` of them bad, `errors` the first of those (at
   * most 10,000); `first`: the first valid rows (PREVIEW_ROWS), as read, for a dry run to show
   */
  | { type: 'read'; rows: number; bad: number; errors: RowError[]; first: RosterRow[] }
  /** the roster sheet has merged cells: read it again with them */
  | { type: 'merges'; merges: SheetMerges }
  | { type: 'error'; error: ErrorData };
