import { DomainError } from '../../domain/errors';

/** What one roster file may take: each is answered with `roster_limit` naming it (413). */
export interface RosterLimits {
  /** XLSX: entries in the zip */
  maxEntries: number;
  /** XLSX: bytes once inflated, all entries together (zip bombs) */
  maxInflatedBytes: number;
  /** XLSX: bytes of the shared-strings part, which the reader keeps in memory */
  maxSharedStringsBytes: number;
  /** data rows, blank ones included (a sheet of 4 million empty rows) */
  maxRows: number;
  /** columns a row may reach (a single cell at XFD1048576) */
  maxColumns: number;
  /** characters in one cell */
  maxCellChars: number;
  /** CSV: characters in one row (a line without its end, or csv-parse's per-record bound): every column at its longest fits */
  maxRowChars: number;
}

export const DEFAULT_MAX_ROWS = 2_000_000;
const MB = 1024 * 1024;

/** The limits for an upload of `size` bytes: inflating to 50× the upload, at most 200 MB. */
export function rosterLimits(size: number, maxRows = DEFAULT_MAX_ROWS): RosterLimits {
  const inflated = Math.min(Math.max(50 * size, 4 * MB), 200 * MB);
  return {
    maxEntries: 200,
    maxInflatedBytes: inflated,
    maxSharedStringsBytes: Math.min(inflated, 64 * MB),
    maxRows,
    maxColumns: 100,
    maxCellChars: 2000,
    // 100 cells of 2,000 characters, each quoted with a comma after (a header of 2,000 short columns is well within: it is the column limit it passes)
    maxRowChars: 100 * 2003,
  };
}

export type RosterLimitName = 'entries' | 'inflated' | 'shared_strings' | 'rows' | 'columns' | 'row_length' | 'cell' | 'memory';

/** Where a limit was passed: the row, and what was found there (columns, entries, megabytes). */
export interface LimitAt {
  row?: number;
  found?: string | number;
}

const sized = (which: RosterLimitName, n: number): string =>
  which === 'inflated' || which === 'shared_strings'
    ? `${Math.max(1, Math.round(n / MB))} MB`
    : which === 'memory'
      ? `${n} MB`
      : n.toLocaleString('en');

/**
 * The error for a limit passed. `which`, `max`, `row` and `found` let the answer name it in the
 * reader's language (errorParams); the message, for logs, says it in English.
 */
export const overLimit = (which: RosterLimitName, max: number, at: LimitAt = {}): DomainError => {
  const found = typeof at.found === 'number' ? sized(which, at.found) : at.found;
  const where = [at.row !== undefined ? `row ${at.row}` : '', found !== undefined ? `found ${found}` : ''].filter(Boolean).join(', ');
  return new DomainError('roster_limit', `${which} limit ${max}${where ? `: ${where}` : ''}`, {
    which,
    max: sized(which, max),
    ...(at.row !== undefined ? { row: at.row } : {}),
    ...(found !== undefined ? { found } : {}),
  });
};
