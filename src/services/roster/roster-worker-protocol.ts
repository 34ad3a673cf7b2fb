import type { MessagePort } from 'node:worker_threads';
import { DomainError, type ErrorCode } from '../../domain/errors';
import type { RosterRow, RowError } from '../../domain/roster';
import type { AppliedRoster } from '../../storage/sqlite/roster-apply';
import type { RosterSource } from './read-roster-table';
import type { SheetMerges } from './read-xlsx';
import type { RosterLimits } from './roster-limits';

/**
 * What an import thread is asked. On SQLite (`dbFile`) two threads share `port`: the reader
 * (`role: 'read'`) parses and validates, the stager (`role: 'stage'`) stages and applies. Without
 * a role, one thread parses and sends the valid rows back (MongoDB). `merges`: the roster
 * sheet's merged cells, when a first reading found some (read-xlsx's `mergedCells`).
 */
export interface WorkerJob { source: RosterSource; limits: RosterLimits; actor: string; dbFile?: string; size: number; role?: 'read' | 'stage'; port?: MessagePort; merges?: SheetMerges }

/** bad rows listed at most: enough to fix a sheet, bounded for a sheet that is all wrong (all are counted) */
export const MAX_LISTED_ERRORS = 10_000;

export type ImportPhase = 'parse' | 'check' | 'apply';
export type WorkerMessage =
  | { type: 'progress'; phase: ImportPhase; processed: number; total: number }
  | { type: 'rows'; rows: RosterRow[] }
  /** `count`: every bad row; `errors` lists the first of them (at most 10,000) */
  | { type: 'bad'; errors: RowError[]; count: number }
  | { type: 'applied'; result: AppliedRoster }
  | { type: 'parsed' }
  | { type: 'error'; error: { name: string; code?: string; message: string; params?: Record<string, string | number>; details?: unknown } };

/** Errors cross the thread boundary as data; a DomainError comes back as one, a driver error keeps its code. */
export function errorToMessage(e: unknown): WorkerMessage {
  if (e instanceof DomainError) return { type: 'error', error: { name: 'DomainError', code: e.code, message: e.message, params: e.params, details: e.details } };
  const err = e as { code?: unknown; message?: string };
  return { type: 'error', error: { name: 'Error', code: typeof err?.code === 'string' ? err.code : undefined, message: String(err?.message ?? e) } };
}

export function errorFromMessage(m: Extract<WorkerMessage, { type: 'error' }>['error']): Error {
  if (m.name === 'DomainError') return new DomainError(m.code as ErrorCode, m.message, m.params, m.details);
  return Object.assign(new Error(m.message), m.code ? { code: m.code } : {});
}
