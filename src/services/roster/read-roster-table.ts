import { parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { createReadStream, promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { DomainError } from '../../domain/errors';
import { looksLikeRosterHeader } from '../../domain/roster';
import { overLimit, type RosterLimits } from './roster-limits';

/** A roster file on disk (an upload spooled by the API, a CLI argument) or in memory. */
export type RosterSource = { path: string } | { bytes: Buffer };
/** One row of cells as text; `n` is its spreadsheet row number (the header is row 1); `dates`: the columns (from 0) that were date cells in a workbook. */
export interface TableRow { n: number; cells: string[]; dates?: number[] }

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const CHUNK = 64 * 1024;

const head = async (src: RosterSource, n: number): Promise<Buffer> => {
  if ('bytes' in src) return src.bytes.subarray(0, n);
  const fh = await fs.open(src.path, 'r');
  try { const b = Buffer.alloc(n); const { bytesRead } = await fh.read(b, 0, n, 0); return b.subarray(0, bytesRead); } finally { await fh.close(); }
};
const stream = (src: RosterSource): Readable => ('bytes' in src ? Readable.from(chunks(src.bytes)) : createReadStream(src.path, { highWaterMark: CHUNK }));
function* chunks(b: Buffer): Generator<Buffer> { for (let i = 0; i < b.length; i += CHUNK) yield b.subarray(i, i + CHUNK); }

/**
 * Reads a roster file (XLSX or CSV, told by its bytes) in batches of rows, never whole: CSV through
 * csv-parse's streaming parser, XLSX through exceljs's streaming reader after the zip's
 * directory and inflated sizes are checked against `limits`. Of a workbook, the first sheet with
 * a roster's header in its first rows is read (when none has one, the first rows of the first
 * sheet with anything in it: enough for the error that names the missing columns). Memory stays bounded by one
 * row (plus XLSX shared strings, themselves limited). Throws `roster_limit`,
 * `unsupported_media_type` or `bad_request`.
 */
export async function* readRosterTable(src: RosterSource, limits: RosterLimits): AsyncGenerator<TableRow[]> {
  if (await isXlsx(src)) yield* readXlsx(src, limits);
  else yield* readCsv(src, limits);
}

/** Whether the file is a workbook (a zip), by its first bytes; anything else is read as CSV. */
export const isXlsx = async (src: RosterSource): Promise<boolean> => (await head(src, 4)).equals(ZIP_MAGIC);

/** How a decoding went: characters that are not ASCII, replacement characters and the line of the first one, whether there was a NUL. */
async function tryDecode(src: RosterSource, encoding: string): Promise<{ nonAscii: number; bad: number; badLine: number; nul: boolean }> {
  const decoder = new TextDecoder(encoding);
  let nonAscii = 0;
  let bad = 0;
  let badLine = 0;
  let nul = false;
  let line = 1;
  const scan = (text: string) => {
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (c === 10) line += 1;
      else if (c === 0) nul = true;
      else if (c === 0xfffd) { bad += 1; if (!badLine) badLine = line; } else if (c > 0x7f) nonAscii += 1;
    }
  };
  for await (const c of stream(src)) scan(decoder.decode(c as Buffer, { stream: true }));
  scan(decoder.decode());
  return { nonAscii, bad, badLine, nul };
}

/**
 * UTF-8 unless the bytes say otherwise: a UTF-16 BOM, or bytes that are not UTF-8 (GB18030 from
 * Chinese Excel). A UTF-8 file with a few bad bytes is not GB18030 (decoded as such, every name
 * would be garbled): it is refused, naming the line; so is a GB18030 file with bytes it cannot have.
 */
async function detectEncoding(src: RosterSource): Promise<string> {
  const bom = await head(src, 2);
  if (bom[0] === 0xff && bom[1] === 0xfe) return 'utf-16le';
  if (bom[0] === 0xfe && bom[1] === 0xff) return 'utf-16be';
  // (the common case at native speed: valid UTF-8 throughout)
  const check = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const c of stream(src)) check.decode(c as Buffer, { stream: true });
    check.decode();
    return 'utf-8';
  } catch { /* not UTF-8 throughout: how far from it? */ }
  const utf8 = await tryDecode(src, 'utf-8');
  // a NUL means a binary file (or UTF-16 without its byte-order mark), not a CSV
  if (utf8.nul) throw new DomainError('unsupported_media_type', 'binary file');
  // real GB18030 text fails as UTF-8 at nearly every Chinese character; UTF-8 text with a stray byte, rarely
  if (utf8.nonAscii >= 10 * utf8.bad) throw badBytes(utf8.badLine);
  const gb = await tryDecode(src, 'gb18030');
  if (gb.bad > 0) throw badBytes(gb.badLine);
  return 'gb18030';
}

const badBytes = (line: number): DomainError => new DomainError('roster_encoding', `CSV line ${line} has bytes that are neither UTF-8 nor GB18030`, { line });

/**
 * CSV in slices (empty lines are kept as blank rows, which the roster skips, so a row's number
 * is its line in the file): text is cut after the last line break outside quotes (an even number of
 * `"` before it) and each slice goes through csv-parse at once — a row never spans two
 * slices, memory stays at one slice, and the parser runs without a promise per record.
 */
async function* readCsv(src: RosterSource, limits: RosterLimits): AsyncGenerator<TableRow[]> {
  const decoder = new TextDecoder(await detectEncoding(src));
  const options = { bom: true, relax_column_count: true, skip_empty_lines: false, trim: true, max_record_size: limits.maxCellChars * 4, delimiter: ',' };
  let sniffed = false;
  let carry = '';
  let quotes = 0; // quote characters in `carry`, so each chunk is scanned once
  let n = 0;
  const slice = (text: string): TableRow[] => {
    let records: string[][];
    try {
      records = parse(text, options) as string[][];
    } catch (e) {
      if ((e as { code?: string }).code === 'CSV_MAX_RECORD_SIZE') throw overLimit('cell', limits.maxCellChars, { row: n + 1 });
      // (csv-parse counts lines within the slice it was given; the row is where the slice's records begin, plus those)
      throw new DomainError('bad_request', `CSV: ${(e as Error).message}`, { detailKey: 'csv_malformed', row: n + Math.max(1, (e as { lines?: number }).lines ?? 1), reason: (e as Error).message.slice(0, 200) });
    }
    return records.map((record) => {
      n += 1;
      if (n > limits.maxRows + 1) throw overLimit('rows', limits.maxRows, { row: n });
      if (record.length > limits.maxColumns) throw overLimit('columns', limits.maxColumns, { row: n, found: record.length });
      // the same limit a cell has in XLSX (csv-parse's own bounds the whole record)
      for (const cell of record) if (cell.length > limits.maxCellChars) throw overLimit('cell', limits.maxCellChars, { row: n });
      return { n, cells: record };
    });
  };
  const input = stream(src);
  try {
    for await (const c of input) {
      const text = decoder.decode(c as Buffer, { stream: true });
      // a NUL in text means a binary file, not a CSV
      if (text.includes('\u0000')) throw new DomainError('unsupported_media_type', 'binary file');
      let cut = -1;
      let q = quotes;
      for (let i = 0; i < text.length; i += 1) {
        const ch = text.charCodeAt(i);
        if (ch === 34) q += 1;
        else if (ch === 10 && q % 2 === 0) cut = i;
      }
      if (cut < 0) {
        carry += text;
        quotes = q;
        if (carry.length > limits.maxCellChars * limits.maxColumns * 4) throw overLimit('cell', limits.maxCellChars, { row: n + 1 });
        continue;
      }
      const whole = carry + text.slice(0, cut + 1);
      if (!sniffed) { sniffed = true; options.delimiter = delimiterOf(whole); }
      carry = text.slice(cut + 1);
      quotes = 0;
      for (let i = 0; i < carry.length; i += 1) if (carry.charCodeAt(i) === 34) quotes += 1;
      yield slice(whole);
    }
    carry += decoder.decode();
    if (!sniffed) options.delimiter = delimiterOf(carry);
    if (carry.trim()) yield slice(carry);
  } finally {
    input.destroy();
  }
}

/**
 * Commas, or tabs when the first lines (a title may stand above the header) have more tabs than
 * commas: Excel's "Unicode text" and "text (tab-delimited)" exports (UTF-16 and GB18030) separate
 * cells with tabs.
 */
function delimiterOf(text: string): ',' | '\t' {
  let tabs = 0;
  let commas = 0;
  let lines = 0;
  for (let i = 0; i < text.length && lines < 5; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 9) tabs += 1;
    else if (c === 44) commas += 1;
    else if (c === 10) lines += 1;
  }
  return tabs > commas ? '\t' : ',';
}

/**
 * The zip's own directory, checked before anything is inflated for real: entry count,
 * declared sizes, then every entry inflated once into nothing, so a header that lies about
 * its size is caught too (yauzl checks actual against declared sizes).
 */
async function checkZip(src: RosterSource, limits: RosterLimits): Promise<void> {
  const open = (): Promise<yauzl.ZipFile> => new Promise((resolve, reject) => {
    const cb = (err: Error | null, zip?: yauzl.ZipFile) => (err || !zip ? reject(err) : resolve(zip));
    if ('bytes' in src) yauzl.fromBuffer(src.bytes, { lazyEntries: true, validateEntrySizes: true }, cb);
    else yauzl.open(src.path, { lazyEntries: true, validateEntrySizes: true }, cb);
  });
  let zip: yauzl.ZipFile;
  try { zip = await open(); } catch (e) {
    throw new DomainError('unsupported_media_type', `not a readable XLSX workbook: ${(e as Error).message}`);
  }
  try {
    if (zip.entryCount > limits.maxEntries) throw overLimit('entries', limits.maxEntries, { found: zip.entryCount });
    let inflated = 0;
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (e) => reject(e instanceof DomainError ? e : new DomainError('unsupported_media_type', `not a readable XLSX workbook: ${(e as Error).message}`)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        inflated += entry.uncompressedSize;
        if (inflated > limits.maxInflatedBytes) return reject(overLimit('inflated', limits.maxInflatedBytes));
        if (/sharedStrings\.xml$/i.test(entry.fileName) && entry.uncompressedSize > limits.maxSharedStringsBytes) {
          return reject(overLimit('shared_strings', limits.maxSharedStringsBytes, { found: entry.uncompressedSize }));
        }
        if (entry.fileName.endsWith('/')) { zip.readEntry(); return; }
        zip.openReadStream(entry, (err, s) => {
          if (err || !s) return reject(new DomainError('unsupported_media_type', `not a readable XLSX workbook: ${err?.message ?? 'entry'}`));
          s.on('error', (e) => reject(new DomainError('unsupported_media_type', `not a readable XLSX workbook: ${e.message}`)));
          s.on('end', () => zip.readEntry());
          s.resume();
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
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

let patched: Promise<void> | null = null;
/**
 * exceljs 4.4.0 turns a character split between two chunks into U+FFFD; patches/exceljs+4.4.0.patch
 * (applied by `npm install`'s postinstall) fixes it. Installed without it (`--ignore-scripts`), an
 * import would store garbled names without a word: refuse instead, saying why.
 */
function exceljsPatched(): Promise<void> {
  patched ??= (async () => {
    const parseSax = require('exceljs/lib/utils/parse-sax') as (it: AsyncIterable<Buffer>) => AsyncIterable<{ eventType: string; value: unknown }[]>;
    const bytes = Buffer.from('<a>安心</a>');
    let text = '';
    for await (const events of parseSax((async function* () { yield bytes.subarray(0, 5); yield bytes.subarray(5); })())) {
      for (const e of events) if (e.eventType === 'text') text += String(e.value);
    }
    if (text !== '安心') throw new Error('exceljs is not patched (patches/exceljs+4.4.0.patch): run `npm install` without --ignore-scripts; XLSX imports are refused until then');
  })();
  return patched;
}

/** rows looked at for a header at the top of a sheet (a title or two above it is usual) */
const HEADER_WITHIN = 4;
/** sheets of instructions, by their names */
const ASIDE_SHEET = /说明|须知|填表|instruction|readme|help/i;

async function* readXlsx(src: RosterSource, limits: RosterLimits): AsyncGenerator<TableRow[]> {
  await exceljsPatched();
  await checkZip(src, limits);
  // loaded only for XLSX: exceljs takes half a second to load, which every CSV import's worker would pay
  // (styles are read so that a date-formatted cell comes as a date, not as Excel's serial number)
  const { stream: xlsxStream } = require('exceljs') as typeof import('exceljs');
  const reader = new xlsxStream.xlsx.WorkbookReader(stream(src), { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit', entries: 'ignore' });
  let sheets = 0;
  /** the first sheet with anything in it, kept (its first rows) in case no sheet has a header: it is then read as the roster and its error named */
  let fallback: TableRow[] | null = null;
  let found = false;
  try {
    for await (const ws of reader) {
      sheets += 1;
      // the roster is the first sheet with a header near its top: a "说明" sheet of instructions before it, empty or not, is passed by;
      // so are a hidden sheet and one named as instructions (说明, 须知), even with the column names on it
      const { name, state } = ws as unknown as { name?: string; state?: string };
      const aside = state === 'hidden' || state === 'veryHidden' || ASIDE_SHEET.test(name ?? '');
      let top: TableRow[] | null = [];
      let batch: TableRow[] = [];
      for await (const row of ws as AsyncIterable<ExcelJS.Row>) {
        const r = tableRow(row, limits);
        if (top) {
          if (r.cells.every((c) => c.trim() === '')) continue;
          top.push(r);
          if (!aside && looksLikeRosterHeader(r.cells)) { batch = top; top = null; found = true; continue; }
          if (top.length < HEADER_WITHIN) continue;
          fallback ??= top;
          break; // not a roster: the next sheet may be
        }
        batch.push(r);
        if (batch.length >= 1000) { yield batch; batch = []; }
      }
      if (found) {
        if (batch.length) yield batch;
        return;
      }
      if (top?.length) fallback ??= top;
    }
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw new DomainError('unsupported_media_type', `not a readable XLSX workbook: ${(e as Error).message}`);
  }
  if (sheets === 0) throw new DomainError('roster_empty', 'workbook has no sheets');
  // no sheet has a header: the first with anything in it is read as the roster (its error says which columns are missing)
  if (fallback) yield fallback;
}

/** One worksheet row as cell text, within the limits; the columns that were date cells noted. */
function tableRow(row: ExcelJS.Row, limits: RosterLimits): TableRow {
  if (row.number > limits.maxRows + 1) throw overLimit('rows', limits.maxRows, { row: row.number });
  const values = row.values as ExcelJS.CellValue[];
  // a far-away cell makes a sparse array: judge by the last column, never by walking it
  if (values.length - 1 > limits.maxColumns) throw overLimit('columns', limits.maxColumns, { row: row.number, found: values.length - 1 });
  const cells: string[] = [];
  let dates: number[] | undefined;
  for (let i = 1; i < values.length; i += 1) {
    const v = values[i] ?? null;
    // no roster column is a date: one is Excel's doing (3-12 typed into a cell becomes 12 March)
    if (v instanceof Date) (dates ??= []).push(i - 1);
    const s = cellText(v);
    if (s.length > limits.maxCellChars) throw overLimit('cell', limits.maxCellChars, { row: row.number });
    cells.push(s);
  }
  return dates ? { n: row.number, cells, dates } : { n: row.number, cells };
}
