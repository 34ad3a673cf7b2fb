import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { DomainError } from '../domain/errors';
import { crossCheckRoster, isRowError, mapRosterHeaders, parseRosterRow, ROSTER_COLUMNS, type RosterField, type RosterRow, type RowError } from '../domain/roster';

export interface ParsedRoster { rows: RosterRow[]; errors: RowError[] }

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Reads a roster file (XLSX or CSV, Chinese or English headers) into validated rows.
 * The kind is told by its bytes, not its name. CSV from Chinese Excel is often GB18030,
 * not UTF-8: bytes that are not valid UTF-8 are read as GB18030.
 * Throws `roster_headers`, `roster_empty` or `unsupported_media_type`; bad rows are returned.
 */
export async function parseRosterFile(bytes: Buffer): Promise<ParsedRoster> {
  const table = bytes.subarray(0, 4).equals(ZIP_MAGIC) ? await readXlsx(bytes) : readCsv(bytes);
  const header = table[0];
  if (!header) throw new DomainError('roster_empty', 'no header row');
  const { index, missing } = mapRosterHeaders(header);
  if (missing.length) {
    const names = missing.map((f) => ROSTER_COLUMNS[f].join('/')).join(', ');
    throw new DomainError('roster_headers', `missing columns: ${names}`, { missing: names });
  }
  const rows: RosterRow[] = [];
  const errors: RowError[] = [];
  for (let i = 1; i < table.length; i += 1) {
    const cells = table[i] ?? [];
    // each raw row is dropped once read, so a 100,000-row file is not held twice
    table[i] = [];
    if (cells.every((c) => c.trim() === '')) continue; // blank lines in a sheet are not rows
    const byField: Partial<Record<RosterField, string>> = {};
    for (const [f, at] of Object.entries(index) as [RosterField, number][]) byField[f] = cells[at] ?? '';
    const r = parseRosterRow(i + 1, byField);
    if (isRowError(r)) errors.push(r); else rows.push(r);
  }
  if (rows.length === 0 && errors.length === 0) throw new DomainError('roster_empty', 'no data rows');
  errors.push(...crossCheckRoster(rows));
  return { rows, errors: onePerRow(errors) };
}

/** One entry per bad row, its reasons joined, in row order: what a person fixing the sheet wants. */
function onePerRow(errors: RowError[]): RowError[] {
  const byRow = new Map<number, string[]>();
  for (const e of errors) byRow.set(e.row, [...(byRow.get(e.row) ?? []), e.message]);
  return [...byRow.entries()].sort(([a], [b]) => a - b).map(([row, messages]) => ({ row, message: messages.join('; ') }));
}

function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

function readCsv(bytes: Buffer): string[][] {
  const text = decodeText(bytes);
  if (text.includes('\u0000')) throw new DomainError('unsupported_media_type', 'binary file');
  try {
    return parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    throw new DomainError('bad_request', `CSV: ${(e as Error).message}`, { detail: `CSV: ${(e as Error).message}` });
  }
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return String(v.text);
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('error' in v) return '';
  }
  return String(v);
}

async function readXlsx(bytes: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (e) {
    throw new DomainError('unsupported_media_type', `not a readable XLSX workbook: ${(e as Error).message}`);
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new DomainError('roster_empty', 'workbook has no sheets');
  const out: string[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const values = row.values as ExcelJS.CellValue[];
    out[n - 1] = values.slice(1).map(cellText);
  });
  return Array.from(out, (r) => r ?? []);
}
