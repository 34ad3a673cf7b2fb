import { parse } from 'csv-parse/sync';
import { createReadStream, promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import { DomainError } from '../../domain/errors';
import { looksLikeRosterHeader } from '../../domain/roster';
import { openWorkbook, type MergeRange, type SheetMerges } from './read-xlsx';
import { overLimit, type RosterLimits } from './roster-limits';

/** A roster file on disk (an upload spooled by the API, a CLI argument) or in memory. */
export type RosterSource = { path: string } | { bytes: Buffer };
/** One row of cells as text; `n` is its spreadsheet row number (the header is row 1); `dates`: the columns (from 0) that were date cells in a workbook. */
export interface TableRow {
  n: number;
  cells: string[];
  dates?: number[];
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const CHUNK = 64 * 1024;

const head = async (src: RosterSource, n: number): Promise<Buffer> => {
  if ('bytes' in src) return src.bytes.subarray(0, n);
  const fh = await fs.open(src.path, 'r');
  try {
    const b = Buffer.alloc(n);
    const { bytesRead } = await fh.read(b, 0, n, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
};
const stream = (src: RosterSource): Readable =>
  'bytes' in src ? Readable.from(chunks(src.bytes)) : createReadStream(src.path, { highWaterMark: CHUNK });
function* chunks(b: Buffer): Generator<Buffer> {
  for (let i = 0; i < b.length; i += CHUNK) yield b.subarray(i, i + CHUNK);
}

/**
 * Reads a roster file (XLSX or CSV, told by its bytes) in batches of rows, never whole: CSV through
 * csv-parse's streaming parser, XLSX straight from the zip (read-xlsx.ts) after its directory
 * and declared sizes are checked against `limits`. Of a workbook, the first sheet with
 * a roster's header in its first rows is read (when none has one, the first rows of the first
 * sheet with anything in it: enough for the error that names the missing columns). Memory stays bounded by one
 * row (plus XLSX shared strings, themselves limited). Throws `roster_limit`, `roster_unreadable`,
 * `unsupported_media_type` or `bad_request`. `onEstimate` hears, as reading goes, how many
 * rows the file will have: a CSV's rows so far scaled by the bytes still to read, a sheet's
 * own dimension (for progress bars: an estimate, never a limit). A workbook's roster sheet with
 * merged cells spanning rows, read without `merges`, returns them at its end (the generator's
 * value): read it again with them (`readWithMerges`).
 */
export async function* readRosterTable(
  src: RosterSource,
  limits: RosterLimits,
  opts: { onEstimate?: (rows: number) => void; merges?: SheetMerges } = {},
): AsyncGenerator<TableRow[], SheetMerges | undefined> {
  if (await isXlsx(src)) return yield* readXlsx(src, limits, opts);
  yield* readCsv(src, limits, opts.onEstimate);
  return undefined;
}

/** A reading of a roster: its outcome, or the merged cells that ask for a second reading. */
export type Reading<R> = { done: R } | { merges: SheetMerges };

/**
 * The one merged-cells retry: `read` once; when that reading ends with merged cells found
 * (a workbook's roster sheet whose 社区 or 网格 cells are merged down a block of houses), read
 * once more with them filled in. A reading given its merges never asks again.
 */
export async function readWithMerges<R>(read: (merges: SheetMerges | undefined) => Promise<Reading<R>>): Promise<R> {
  const first = await read(undefined);
  if ('done' in first) return first.done;
  const second = await read(first.merges);
  if ('done' in second) return second.done;
  throw new Error('a sheet read with its merged cells found merged cells again');
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
  /** the last character was a CR: an LF after it ends the same line (CRLF); a CR alone ends one too (old Excel for Mac) */
  let cr = false;
  const scan = (text: string) => {
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      const afterCr = cr;
      cr = c === 13;
      if (c === 13) line += 1;
      else if (c === 10) line += afterCr ? 0 : 1;
      else if (c === 0) nul = true;
      else if (c === 0xfffd) {
        bad += 1;
        if (!badLine) badLine = line;
      } else if (c > 0x7f) nonAscii += 1;
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
  } catch {
    /* not UTF-8 throughout: how far from it? */
  }
  const utf8 = await tryDecode(src, 'utf-8');
  // a NUL means a binary file (or UTF-16 without its byte-order mark), not a CSV
  if (utf8.nul) throw new DomainError('unsupported_media_type', 'binary file');
  // real GB18030 text fails as UTF-8 at nearly every Chinese character; UTF-8 text with a stray byte, rarely
  if (utf8.nonAscii >= 10 * utf8.bad) throw badBytes(utf8.badLine);
  const gb = await tryDecode(src, 'gb18030');
  if (gb.bad > 0) throw badBytes(gb.badLine);
  return 'gb18030';
}

const badBytes = (line: number): DomainError =>
  new DomainError('roster_encoding', `CSV line ${line} has bytes that are neither UTF-8 nor GB18030`, { line });

/**
 * CSV in slices (empty lines are kept as blank rows, which the roster skips, so a row's number
 * is its line in the file): text is cut after the last line break outside quotes (an even number of
 * `"` before it) and each slice goes through csv-parse at once — a row never spans two
 * slices, memory stays at one slice, and the parser runs without a promise per record.
 */
async function* readCsv(src: RosterSource, limits: RosterLimits, onEstimate?: (rows: number) => void): AsyncGenerator<TableRow[]> {
  const size = 'bytes' in src ? src.bytes.length : (await fs.stat(src.path)).size;
  let bytes = 0;
  const decoder = new TextDecoder(await detectEncoding(src));
  const options = {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: false,
    trim: true,
    // csv-parse's bound is on a whole record (its cells together): a row's length, not a cell's (each cell is checked below)
    max_record_size: limits.maxRowChars,
    delimiter: ',',
  };
  let sniffed = false;
  let carry = '';
  let quotes = 0; // quote characters in `carry`, so each chunk is scanned once
  let n = 0;
  const slice = (text: string): TableRow[] => {
    let records: string[][];
    try {
      records = parse(text, options) as string[][];
    } catch (e) {
      if ((e as { code?: string }).code === 'CSV_MAX_RECORD_SIZE')
        throw overLimit('row_length', limits.maxRowChars, { row: n + Math.max(1, (e as { lines?: number }).lines ?? 1) });
      // (csv-parse counts lines within the slice it was given; the row is where the slice's records begin, plus those)
      throw new DomainError('bad_request', `CSV: ${(e as Error).message}`, {
        detailKey: 'csv_malformed',
        row: n + Math.max(1, (e as { lines?: number }).lines ?? 1),
        reason: (e as Error).message.slice(0, 200),
      });
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
      bytes += (c as Buffer).length;
      const text = decoder.decode(c as Buffer, { stream: true });
      // a NUL in text means a binary file, not a CSV
      if (text.includes('\u0000')) throw new DomainError('unsupported_media_type', 'binary file');
      // a line ends at LF, CRLF or a CR alone (old Excel for Mac); a CR that ends the chunk may be half of a CRLF, so the
      // cut waits for the next chunk there (csv-parse finds each slice's own line ends)
      let cut = -1;
      let q = quotes;
      for (let i = 0; i < text.length; i += 1) {
        const ch = text.charCodeAt(i);
        if (ch === 34) q += 1;
        else if (q % 2 === 0 && (ch === 10 || (ch === 13 && i + 1 < text.length && text.charCodeAt(i + 1) !== 10))) cut = i;
      }
      if (cut < 0) {
        carry += text;
        quotes = q;
        // a line longer than any row may be (a file of CRs only was read as one line before CR ends were)
        if (carry.length > limits.maxRowChars) throw overLimit('row_length', limits.maxRowChars, { row: n + 1 });
        continue;
      }
      const whole = carry + text.slice(0, cut + 1);
      if (!sniffed) {
        sniffed = true;
        options.delimiter = delimiterOf(whole);
      }
      carry = text.slice(cut + 1);
      quotes = 0;
      for (let i = 0; i < carry.length; i += 1) if (carry.charCodeAt(i) === 34) quotes += 1;
      const rows = slice(whole);
      onEstimate?.(Math.round(((n - 1) * size) / bytes));
      yield rows;
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

/** rows looked at for a header at the top of a sheet (a title or two above it is usual) */
const HEADER_WITHIN = 4;
/** sheets of instructions, by their names */
const ASIDE_SHEET = /说明|须知|填表|instruction|readme|help/i;

async function* readXlsx(
  src: RosterSource,
  limits: RosterLimits,
  { onEstimate, merges }: { onEstimate?: (rows: number) => void; merges?: SheetMerges },
): AsyncGenerator<TableRow[], SheetMerges | undefined> {
  const workbook = await openWorkbook(src, limits);
  /** the first sheet with anything in it, kept (its first rows) in case no sheet has a header: it is then read as the roster and its error named */
  let fallback: TableRow[] | null = null;
  try {
    for (const sheet of workbook.sheets) {
      // the roster is the first sheet with a header near its top: a "说明" sheet of instructions before it, empty or not, is passed by;
      // so are a hidden sheet and one named as instructions (说明, 须知), even with the column names on it
      const aside = sheet.hidden || ASIDE_SHEET.test(sheet.name);
      let top: TableRow[] | null = [];
      const rows = sheet.rows({
        onLastRow: (last) => onEstimate?.(last - 1),
        merges: merges && merges.sheet === sheet.index ? merges.ranges : undefined,
      });
      /** the roster sheet's merged cells, found by reading it without them */
      let found: MergeRange[] | undefined;
      try {
        for (let step = await rows.next(); ; step = await rows.next()) {
          if (step.done) {
            found = step.value;
            break;
          }
          const batch = step.value;
          if (!top) {
            yield batch;
            continue;
          }
          for (let i = 0; i < batch.length; i += 1) {
            const r = batch[i]!;
            if (r.cells.every((c) => c.trim() === '')) continue;
            top.push(r);
            if (!aside && looksLikeRosterHeader(r.cells)) {
              yield [...top, ...batch.slice(i + 1)];
              top = null;
              break;
            }
            if (top.length >= HEADER_WITHIN) break;
          }
          if (top && top.length >= HEADER_WITHIN) break; // not a roster: the next sheet may be
        }
      } finally {
        await rows.return(undefined);
      }
      if (!top) return found ? { sheet: sheet.index, ranges: found } : undefined;
      if (top.length) fallback ??= top;
    }
    if (workbook.sheets.length === 0) throw new DomainError('roster_empty', 'workbook has no sheets');
  } finally {
    workbook.close();
  }
  // no sheet has a header: the first with anything in it is read as the roster (its error says which columns are missing)
  if (fallback) yield fallback;
  return undefined;
}
