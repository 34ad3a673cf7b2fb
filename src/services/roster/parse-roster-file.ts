import { DomainError } from '../../domain/errors';
import {
  crossCheckRoster,
  DATE_CELL,
  isRowError,
  mapRosterHeaders,
  parseRosterRow,
  ROSTER_COLUMNS,
  type RosterField,
  type RosterRow,
  type RowError,
} from '../../domain/roster';
import { readRosterTable, readWithMerges, type Reading, type TableRow } from './read-roster-table';
import type { SheetMerges } from './read-xlsx';
import { rosterLimits, type RosterLimits } from './roster-limits';

export interface ParsedRoster {
  rows: RosterRow[];
  errors: RowError[];
}

/**
 * Reads a roster file (XLSX or CSV, Chinese or English headers) into validated rows, in
 * memory: for tests, the demo and small files. Large files go through `scanRoster` in the
 * import worker, which stages rows instead of holding them.
 * Throws `roster_headers`, `roster_duplicate_headers`, `roster_empty`, `roster_limit`,
 * `roster_unreadable` or `unsupported_media_type`; bad rows are returned.
 */
export async function parseRosterFile(bytes: Buffer, limits: RosterLimits = rosterLimits(bytes.length)): Promise<ParsedRoster> {
  const { rows, errors } = await readWithMerges(async (merges) => {
    const read: ParsedRoster = { rows: [], errors: [] };
    const scanned = await scanRoster(readRosterTable({ bytes }, limits, { merges }), {
      row: (r) => {
        read.rows.push(r);
      },
      error: (e) => {
        read.errors.push(e);
      },
    });
    return 'merges' in scanned ? scanned : { done: read };
  });
  errors.push(...crossCheckRoster(rows));
  return { rows, errors: onePerRow(errors) };
}

export interface RosterSink {
  row(r: RosterRow): void;
  error(e: RowError): void;
}

const missingColumns = (fields: RosterField[]): DomainError => {
  const names = fields.map((f) => ROSTER_COLUMNS[f].join('/')).join(', ');
  // the columns by key: the answer names them in the reader's language only (issue 26)
  return new DomainError('roster_headers', `missing columns: ${names}`, { missing: names, fields: fields.join(',') });
};

/** title rows above the header looked past at most */
const MAX_TITLE_ROWS = 3;

/**
 * Checks the header row (past up to three title rows above it), then validates each data row
 * as it streams by and hands it to `sink`, one at a time. Returns how many data rows there
 * were (`done`), or the merged cells the table ended with (`merges`: the rows handed on were
 * read without them, read again with them). Blank rows are skipped. `afterBatch` runs after each
 * batch the table yields (a reader thread waits there for its stage).
 */
export async function scanRoster(
  table: AsyncGenerator<TableRow[], SheetMerges | undefined>,
  sink: RosterSink,
  afterBatch?: () => Promise<void>,
): Promise<Reading<number>> {
  try {
    return await scan(table, sink, afterBatch);
  } finally {
    await table.return(undefined); // (closes the file when a row or the sink threw)
  }
}

async function scan(
  table: AsyncGenerator<TableRow[], SheetMerges | undefined>,
  sink: RosterSink,
  afterBatch?: () => Promise<void>,
): Promise<Reading<number>> {
  let index: Partial<Record<RosterField, number>> | null = null;
  let columns: [RosterField, number][] = [];
  let titles = 0;
  let firstMissing: RosterField[] | undefined;
  let count = 0;
  for (let step = await table.next(); ; step = await table.next()) {
    if (step.done) {
      if (step.value) return { merges: step.value };
      break;
    }
    const batch = step.value;
    for (const { n, cells, dates } of batch) {
      if (cells.every((c) => c.trim() === '')) continue; // blank lines in a sheet are not rows
      if (!index) {
        const h = mapRosterHeaders(cells);
        if (h.duplicates.length)
          throw new DomainError('roster_duplicate_headers', `duplicate headers: ${h.duplicates.join('; ')}`, {
            columns: h.duplicates.join('; '),
          });
        // a title above the header ("平湖街道出租房屋花名册") names no column: the header is a row or two further down
        if (h.missing.length && Object.keys(h.index).length <= 1 && titles < MAX_TITLE_ROWS) {
          titles += 1;
          firstMissing ??= h.missing;
          continue;
        }
        if (h.missing.length) throw missingColumns(Object.keys(h.index).length <= 1 && firstMissing ? firstMissing : h.missing);
        index = h.index;
        columns = Object.entries(index) as [RosterField, number][];
        continue;
      }
      count += 1;
      const dated = dates ? columns.filter(([, at]) => dates.includes(at)) : [];
      if (dated.length) {
        sink.error({ row: n, message: dated.map(([f]) => DATE_CELL(f)).join('; ') });
        continue;
      }
      const byField: Partial<Record<RosterField, string>> = {};
      for (const [f, at] of columns) byField[f] = cells[at] ?? '';
      const r = parseRosterRow(n, byField);
      if (isRowError(r)) sink.error(r);
      else sink.row(r);
    }
    await afterBatch?.();
  }
  if (!index && firstMissing) throw missingColumns(firstMissing);
  if (!index) throw new DomainError('roster_empty', 'no header row');
  if (count === 0) throw new DomainError('roster_empty', 'no data rows');
  return { done: count };
}

/** One entry per bad row, its reasons joined, in row order: what a person fixing the sheet wants. */
export function onePerRow(errors: RowError[]): RowError[] {
  const byRow = new Map<number, string[]>();
  for (const e of errors) byRow.set(e.row, [...(byRow.get(e.row) ?? []), e.message]);
  return [...byRow.entries()].sort(([a], [b]) => a - b).map(([row, messages]) => ({ row, message: messages.join('; ') }));
}
