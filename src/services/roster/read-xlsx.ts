import path from 'node:path';
import { pipeline, Transform, type Readable } from 'node:stream';
import { createInflateRaw, type ZlibOptions } from 'node:zlib';
import yauzl from 'yauzl';
import { DomainError } from '../../domain/errors';
import { overLimit, type RosterLimits } from './roster-limits';
import { attr, attrAt, XmlScanner, type Attrs, type XmlHandler } from './xml-scan';

/**
 * A workbook (XLSX) read straight from its zip, without exceljs's workbook model: a roster needs
 * each cell's text and whether it was a date, and building exceljs's rows, cells and styles for
 * that took four fifths of an import's time (xml-scan.ts says why its XML is not read with saxes).
 *
 * The zip's directory is checked first (entry count, declared sizes, the shared strings' size);
 * only the parts needed are inflated, each checked against its declared size as it inflates
 * (yauzl), so a header that lies cannot inflate past the limits. XML is scanned as it inflates
 * (no DTD is allowed: no XXE, no billion laughs); memory holds the shared strings (limited) and
 * one batch of rows.
 */

/** Where the rows come from: a file's path, or its bytes. */
export type ZipSource = { path: string } | { bytes: Buffer };
/** One worksheet row as cell text (`n`: its row number in the sheet); `dates`: the columns (from 0) that were date cells. */
export interface SheetRow {
  n: number;
  cells: string[];
  dates?: number[];
}
/** Cells merged into one, rows r1–r2 and columns c1–c2 (from 1), the top left one holding the value. */
export interface MergeRange {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}
/** The merged ranges (spanning rows) of the workbook's sheet number `sheet` (from 0). */
export interface SheetMerges {
  sheet: number;
  ranges: MergeRange[];
}
/** merged ranges read at most (a sheet of a hundred thousand merged blocks is no hand-made roster) */
const MAX_MERGES = 100_000;

/**
 * A sheet of the workbook, in the workbook's order (`index`, from 0), and its rows in batches.
 * `onLastRow`: the last row the sheet says it has (its dimension), when it says. `merges`: its
 * merged ranges, filled in. Read without them, a sheet that has merged cells spanning rows
 * returns them at its end (the generator's value): a street office's roster often merges the
 * 社区 or 网格 cells of a block of houses, the cells below the first empty in the file, and Excel
 * writes the merges after the rows, so such a sheet is read again with them (`readWithMerges`).
 */
export interface Sheet {
  name: string;
  hidden: boolean;
  index: number;
  rows(opts?: { onLastRow?: (row: number) => void; merges?: MergeRange[] }): AsyncGenerator<SheetRow[], MergeRange[] | undefined>;
}

/** A zip that cannot be read through (cut short, damaged, sizes that lie, XML that is not a workbook's): told as damaged, not as the wrong kind of file, or the person uploads it again as it is. */
const unreadable = (why: string): DomainError => new DomainError('roster_unreadable', `not a readable XLSX workbook: ${why}`);
/** A zip that is not a workbook at all (a .docx, a .zip of photos). */
const notWorkbook = (why: string): DomainError => new DomainError('unsupported_media_type', `not an XLSX workbook: ${why}`);

/** Excel's built-in number formats that show dates or times (14–22; the CJK ones 27–36 and 50–58; 45–47). */
const BUILTIN_DATE = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58,
]);
/** Whether a number format code shows a date or time: y m d h s outside quotes, brackets and escapes. */
export const isDateFormat = (code: string): boolean =>
  /[ymdhs]/i.test(
    code
      .replace(/\[[^\]]*\]/g, '')
      .replace(/"[^"]*"/g, '')
      .replace(/\\.|[_*]./g, '')
      .replace(/general/gi, ''),
  );
/** cell formats beyond Excel's own limit (64,000) are not read */
const MAX_XF = 65_536;

/** Opens the zip and checks its directory against `limits`: entries, declared sizes together, the shared strings' size. */
async function openZip(src: ZipSource, limits: RosterLimits): Promise<{ zip: yauzl.ZipFile; entries: Map<string, yauzl.Entry> }> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    const cb = (err: Error | null, z?: yauzl.ZipFile) => (err || !z ? reject(unreadable(err?.message ?? 'zip')) : resolve(z));
    const options = { lazyEntries: true, validateEntrySizes: true, autoClose: false };
    if ('bytes' in src) yauzl.fromBuffer(src.bytes, options, cb);
    else yauzl.open(src.path, options, cb);
  });
  try {
    if (zip.entryCount > limits.maxEntries) throw overLimit('entries', limits.maxEntries, { found: zip.entryCount });
    const entries = new Map<string, yauzl.Entry>();
    let inflated = 0;
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (e: Error) => reject(unreadable(e.message)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        inflated += entry.uncompressedSize;
        if (inflated > limits.maxInflatedBytes) return reject(overLimit('inflated', limits.maxInflatedBytes));
        if (/sharedStrings\.xml$/i.test(entry.fileName) && entry.uncompressedSize > limits.maxSharedStringsBytes) {
          return reject(overLimit('shared_strings', limits.maxSharedStringsBytes, { found: entry.uncompressedSize }));
        }
        if (!entry.fileName.endsWith('/')) entries.set(entry.fileName.replace(/\\/g, '/').replace(/^\//, ''), entry);
        zip.readEntry();
      });
      zip.readEntry();
    });
    return { zip, entries };
  } catch (e) {
    zip.close();
    throw e;
  }
}

/** inflated bytes handed on at once: a 48 MB sheet in 190 pieces rather than 3,000 (each a trip to the thread pool) */
const INFLATE_CHUNK = 256 * 1024;
/** inflated bytes that may wait to be scanned: the thread pool inflates the next pieces while this thread scans one */
const INFLATE_AHEAD = 4 * INFLATE_CHUNK;

/**
 * An entry's bytes as they inflate, in large pieces, checked against its declared size as they
 * come (a header that lies is an error as soon as it is passed, never inflated on).
 */
const openEntry = (zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> =>
  new Promise((resolve, reject) => {
    const deflated = entry.compressionMethod === 8;
    // (yauzl 3's decodeFileData, which @types/yauzl does not know yet)
    zip.openReadStream(entry, (deflated ? { decodeFileData: false } : {}) as unknown as yauzl.ZipFileOptions, (err, raw) => {
      if (err || !raw) return reject(unreadable(err?.message ?? entry.fileName));
      if (!deflated) return resolve(raw); // (stored: yauzl checks its size)
      let bytes = 0;
      const sized = new Transform({
        highWaterMark: INFLATE_AHEAD,
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          done(
            bytes > entry.uncompressedSize
              ? new Error(`${entry.fileName} inflates past the ${entry.uncompressedSize} bytes its header says`)
              : null,
            chunk,
          );
        },
        flush(done) {
          done(bytes < entry.uncompressedSize ? new Error(`${entry.fileName} inflates to fewer bytes than its header says`) : null);
        },
      });
      resolve(pipeline(raw, createInflateRaw({ chunkSize: INFLATE_CHUNK, highWaterMark: INFLATE_AHEAD } as ZlibOptions), sized, () => {}));
    });
  });

/**
 * Feeds one part of the zip to a scanner as it inflates, yielding after each chunk (so a sheet's
 * rows can be handed on as they come). XML errors, bad deflate data and sizes that lie are `unreadable`.
 */
async function* feed(zip: yauzl.ZipFile, entry: yauzl.Entry, on: XmlHandler, maxCarry: number): AsyncGenerator<void> {
  const input = await openEntry(zip, entry);
  const scanner = new XmlScanner(on, maxCarry);
  /** UTF-16 parts (marked by their byte-order mark) as UTF-8, which the scanner reads; null: UTF-8 as it is */
  let recode: ((b: Buffer | null) => Buffer) | null | undefined;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      recode ??=
        chunk[0] === 0xff && chunk[1] === 0xfe ? utf16('utf-16le') : chunk[0] === 0xfe && chunk[1] === 0xff ? utf16('utf-16be') : null;
      scanner.write(recode ? recode(chunk) : chunk);
      yield;
    }
    if (recode) scanner.write(recode(null));
    scanner.end();
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw unreadable(`${entry.fileName}: ${(e as Error).message}`);
  } finally {
    input.destroy();
  }
}

function utf16(encoding: string): (b: Buffer | null) => Buffer {
  const d = new TextDecoder(encoding);
  return (b) => Buffer.from(b ? d.decode(b, { stream: true }) : d.decode(), 'utf8');
}

/** the longest element a part other than a sheet may have (a sheet's: its cells' limit) */
const MAX_ELEMENT = 64 * 1024;

/** Reads a whole (small, or limited) part: `on` as the scanner gives it. */
async function parsePart(zip: yauzl.ZipFile, entry: yauzl.Entry | undefined, on: Partial<XmlHandler>): Promise<void> {
  if (!entry) return;
  const none = () => {};
  const handler: XmlHandler = { open: on.open ?? none, close: on.close ?? none, text: on.text ?? none };
  for await (const _ of feed(zip, entry, handler, MAX_ELEMENT));
}

/** A relationship's target as a zip path, from the folder of the part that names it. */
const resolveTarget = (from: string, target: string): string =>
  target.startsWith('/') ? target.slice(1) : path.posix.normalize(path.posix.join(path.posix.dirname(from), target));

const relsOf = (part: string): string =>
  `${path.posix.dirname(part) === '.' ? '' : `${path.posix.dirname(part)}/`}_rels/${path.posix.basename(part)}.rels`;

/** The relationships of `part`: id → { type (its last word), target (a zip path) }. */
async function relationships(
  zip: yauzl.ZipFile,
  entries: Map<string, yauzl.Entry>,
  part: string,
): Promise<Map<string, { type: string; target: string }>> {
  const rels = new Map<string, { type: string; target: string }>();
  await parsePart(zip, entries.get(relsOf(part)), {
    open(name, a) {
      if (name !== 'Relationship') return;
      const [id, target] = [attr(a, 'Id'), attr(a, 'Target')];
      if (id && target && attr(a, 'TargetMode') !== 'External')
        rels.set(id, { type: (attr(a, 'Type') ?? '').split('/').pop() ?? '', target: resolveTarget(part, target) });
    },
  });
  return rels;
}

/**
 * The workbook's sheets, in its order, each read on demand. Throws `roster_limit` for the
 * directory's limits, `roster_unreadable` for a damaged workbook and `unsupported_media_type` for
 * a zip that is no workbook.
 * The zip is closed when `close` is called.
 */
export async function openWorkbook(src: ZipSource, limits: RosterLimits): Promise<{ sheets: Sheet[]; close(): void }> {
  const { zip, entries } = await openZip(src, limits);
  try {
    const root = await relationships(zip, entries, '');
    const main = [...root.values()].find((r) => r.type === 'officeDocument')?.target ?? 'xl/workbook.xml';
    if (!entries.has(main)) throw notWorkbook(`no workbook part (${main})`);
    const rels = await relationships(zip, entries, main);
    const listed: { name: string; hidden: boolean; rid: string }[] = [];
    let date1904 = false;
    let first: string | undefined;
    await parsePart(zip, entries.get(main), {
      open(name, a) {
        first ??= name;
        if (name === 'workbookPr') date1904 = ['1', 'true'].includes(attr(a, 'date1904') ?? '');
        else if (name === 'sheet' && listed.length < limits.maxEntries) {
          const state = attr(a, 'state');
          // (r:id, whatever the relationships' prefix)
          listed.push({ name: attr(a, 'name') ?? '', hidden: state === 'hidden' || state === 'veryHidden', rid: attr(a, 'id') ?? '' });
        }
      },
    });
    // (a .docx or .pptx renamed: its main part is a document, not a workbook)
    if (first !== 'workbook') throw notWorkbook(`${main} is a ${first ?? 'empty part'}, not a workbook`);
    const partOf = (type: string, fallback: string) => entries.get([...rels.values()].find((r) => r.type === type)?.target ?? fallback);
    const shared = await sharedStrings(zip, partOf('sharedStrings', 'xl/sharedStrings.xml'));
    const dateStyles = await dateStylesOf(zip, partOf('styles', 'xl/styles.xml'));
    const sheets: Sheet[] = [];
    for (const s of listed) {
      const rel = rels.get(s.rid);
      const entry = rel && rel.type === 'worksheet' ? entries.get(rel.target) : undefined;
      const index = sheets.length;
      if (entry)
        sheets.push({
          name: s.name,
          hidden: s.hidden,
          index,
          rows: (o = {}) => sheetRows(zip, entry, { shared, dateStyles, date1904, limits, ...o }),
        });
    }
    return { sheets, close: () => zip.close() };
  } catch (e) {
    zip.close();
    throw e;
  }
}

/** The shared strings, each the text of its runs (phonetic guides left out). */
async function sharedStrings(zip: yauzl.ZipFile, entry: yauzl.Entry | undefined): Promise<string[]> {
  const out: string[] = [];
  let text = '';
  let inT = false;
  let phonetic = 0;
  await parsePart(zip, entry, {
    open(name) {
      if (name === 'si') text = '';
      else if (name === 't') inT = phonetic === 0;
      else if (name === 'rPh') phonetic += 1;
    },
    text(t) {
      if (inT) text += t;
    },
    close(name) {
      if (name === 't') inT = false;
      else if (name === 'rPh') phonetic -= 1;
      else if (name === 'si') out.push(text);
    },
  });
  return out;
}

/** For each cell format (`s` of a cell), whether it shows a date: its number format, built in or the workbook's own. */
async function dateStylesOf(zip: yauzl.ZipFile, entry: yauzl.Entry | undefined): Promise<boolean[]> {
  const own = new Map<number, string>();
  const formats: number[] = [];
  let inCellXfs = false;
  await parsePart(zip, entry, {
    open(name, a) {
      if (name === 'numFmt') own.set(Number(attr(a, 'numFmtId')), attr(a, 'formatCode') ?? '');
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs && formats.length < MAX_XF) formats.push(Number(attr(a, 'numFmtId') ?? 0));
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return formats.map((id) => (own.has(id) ? isDateFormat(own.get(id)!) : BUILTIN_DATE.has(id)));
}

/** Excel's serial day (1900 or 1904 based) as yyyy-mm-dd, or null if it is no date. */
function serialDate(v: number, date1904: boolean): string | null {
  const d = new Date(Math.round((v - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
  return Number.isFinite(d.getTime()) ? d.toISOString().slice(0, 10) : null;
}

/** The column of a cell reference (`B3` → 2), or 0 if it has none. */
function columnOf(ref: string | undefined): number {
  if (!ref) return 0;
  const bytes = Buffer.from(ref); // (a letter past ASCII ends the letters, as any other character)
  return columnAt(bytes, 0, bytes.length);
}

/** The column the letters at bytes `from` to `to` of `buf` name (`AB12` → 28); 0 if they start with none. */
function columnAt(buf: Buffer, from: number, to: number): number {
  let col = 0;
  for (let i = from; i < to && col <= 0x7fffffff; i += 1) {
    const c = buf[i]! | 0x20; // (lower case)
    if (c < 97 || c > 122) break;
    col = col * 26 + (c - 96);
  }
  return col;
}

const BATCH = 1000;

/**
 * A sheet's rows as they inflate, in batches: each `<row>` as the text of its cells (numbers as
 * written, dates as yyyy-mm-dd, booleans as true/false, errors and formulas without a value
 * empty). Rows and columns are where the sheet puts them (`r`), or next after the last.
 */
async function* sheetRows(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  ctx: {
    shared: string[];
    dateStyles: boolean[];
    date1904: boolean;
    limits: RosterLimits;
    onLastRow?: (row: number) => void;
    merges?: MergeRange[];
  },
): AsyncGenerator<SheetRow[], MergeRange[] | undefined> {
  const { shared, dateStyles, date1904, limits, onLastRow } = ctx;
  const found: MergeRange[] = [];
  const fill = ctx.merges ? mergeFiller(ctx.merges, limits) : null;
  let batch: SheetRow[] = [];
  let inData = false;
  let n = 0;
  let cells: string[] | null = null;
  let dates: number[] | undefined;
  // the cell being read
  let col = 0;
  let type = '';
  let style = 0;
  let text = '';
  let inValue = false;
  let hasValue = false;
  let inline = 0; // inside <is>, outside a phonetic guide
  let phonetic = 0;
  const on: XmlHandler = {
    open(name, a) {
      switch (name) {
        case 'sheetData':
          inData = true;
          break;
        case 'mergeCell': {
          const range = rangeOf(attr(a, 'ref'));
          if (range && range.r2 > range.r1 && found.length < MAX_MERGES) found.push(range);
          break;
        }
        case 'dimension': {
          // (ref="A1:J100001", before the rows: for progress only)
          const last = Number.parseInt(/(\d+)$/.exec(attr(a, 'ref') ?? '')?.[1] ?? '', 10);
          if (last > 0) onLastRow?.(last);
          break;
        }
        case 'row': {
          if (!inData) break;
          const r = Number.parseInt(attr(a, 'r') ?? '', 10);
          // (rows come in ascending order, as the format says and Excel writes; one numbered again is a damaged sheet, whose
          // rows could not be told apart by number in the answer, nor in the stage)
          if (Number.isFinite(r) && r > 0 && r <= n) throw unreadable(`row ${r} comes after row ${n}`);
          n = Number.isFinite(r) && r > 0 ? r : n + 1;
          if (n > limits.maxRows + 1) throw overLimit('rows', limits.maxRows, { row: n });
          cells = [];
          dates = undefined;
          col = 0;
          break;
        }
        case 'c': {
          if (!cells) break;
          const c = cellColumn(a);
          col = c > 0 ? c : col + 1;
          type = cellType(a);
          style = cellStyle(a);
          text = '';
          hasValue = false;
          break;
        }
        case 'v':
          if (cells) {
            inValue = true;
            hasValue = true;
            text = '';
          }
          break;
        case 'is':
          if (cells) {
            inline = 1;
            hasValue = true;
            text = '';
          }
          break;
        case 'rPh':
          if (inline) phonetic += 1;
          break;
        case 't':
          if (inline && !phonetic) inValue = true;
          break;
        default:
          break;
      }
    },
    text(t) {
      if (!inValue) return;
      text += t;
      if (text.length > limits.maxCellChars) throw overLimit('cell', limits.maxCellChars, { row: n });
    },
    close(name) {
      switch (name) {
        case 'v':
        case 't':
          inValue = false;
          break;
        case 'rPh':
          if (inline) phonetic -= 1;
          break;
        case 'is':
          inline = 0;
          break;
        case 'c': {
          if (!cells || !hasValue) break;
          let value: string;
          let date = false;
          switch (type) {
            case 's':
              value = shared[Number.parseInt(text, 10)] ?? '';
              break;
            case 'str':
            case 'inlineStr':
              value = text;
              break;
            case 'e':
              value = '';
              break;
            case 'b':
              value = Number(text) !== 0 ? 'true' : 'false';
              break;
            case 'd':
              value = text.slice(0, 10);
              date = value !== '';
              break;
            default: {
              if (text.trim() === '') {
                value = '';
                break;
              }
              const num = Number.parseFloat(text);
              const day = Number.isFinite(num) && dateStyles[style] ? serialDate(num, date1904) : null;
              if (day) {
                value = day;
                date = true;
              } else value = !Number.isFinite(num) ? text : Number.isInteger(num) ? num.toFixed(0) : String(num);
            }
          }
          if (value === '' && !date) break;
          // a far-away cell: judged by its column, never by filling the row up to it
          if (col > limits.maxColumns) throw overLimit('columns', limits.maxColumns, { row: n, found: col });
          if (value.length > limits.maxCellChars) throw overLimit('cell', limits.maxCellChars, { row: n });
          while (cells.length < col - 1) cells.push('');
          cells[col - 1] = value;
          if (date) (dates ??= []).push(col - 1);
          break;
        }
        case 'row':
          if (cells) {
            fill?.(n, cells);
            batch.push(dates ? { n, cells, dates } : { n, cells });
            cells = null;
          }
          break;
        case 'sheetData':
          inData = false;
          break;
        default:
          break;
      }
    },
  };
  // (an element or a text may be as long as a cell at its limit, in UTF-8)
  for await (const _ of feed(zip, entry, on, MAX_ELEMENT + limits.maxCellChars * 4)) {
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
  return !ctx.merges && found.length ? found : undefined;
}

// A cell's attributes are read as bytes: a 100,000-row sheet has a million cells, three attributes
// each. (A value with an entity in it — no program writes one — is decoded first, as before.)

const AMP = 38; // &

/** The value of attribute `name` in `a` begins at `at`: where it ends, or -1 when an entity is in it. */
function plainEnd(a: Attrs, at: number): number {
  const { buf } = a;
  const q = buf[at - 1];
  for (let i = at; ; i += 1) {
    const c = buf[i];
    if (c === q) return i; // (attrAt found the closing quote: it is there)
    if (c === AMP) return -1;
  }
}

/** A cell's column, from its `r` (`AB12` → 28); 0 if it has none. */
function cellColumn(a: Attrs): number {
  const at = attrAt(a, 'r');
  if (at < 0) return 0;
  const end = plainEnd(a, at);
  return end < 0 ? columnOf(attr(a, 'r')) : columnAt(a.buf, at, end);
}

/** A cell's type (`t`, 'n' if it has none). */
function cellType(a: Attrs): string {
  const at = attrAt(a, 't');
  if (at < 0) return 'n';
  const end = plainEnd(a, at);
  const { buf } = a;
  if (end === at + 1) {
    switch (buf[at]) {
      case 115:
        return 's';
      case 110:
        return 'n';
      case 98:
        return 'b';
      case 101:
        return 'e';
      case 100:
        return 'd';
      default:
        break;
    }
  } else if (bytesAre(buf, at, end, 'str')) return 'str';
  else if (bytesAre(buf, at, end, 'inlineStr')) return 'inlineStr';
  return attr(a, 't')!;
}

/** Whether bytes `from` to `to` of `buf` are the ASCII text `t`. */
function bytesAre(buf: Buffer, from: number, to: number, t: string): boolean {
  if (to - from !== t.length) return false;
  for (let k = 0; k < t.length; k += 1) if (buf[from + k] !== t.charCodeAt(k)) return false;
  return true;
}

/** A cell's style index (`s`, 0 if it has none; NaN if it is not a number). */
function cellStyle(a: Attrs): number {
  const at = attrAt(a, 's');
  if (at < 0) return 0;
  const end = plainEnd(a, at);
  let n = 0;
  for (let i = at; i < end && n < 1e9; i += 1) {
    const d = a.buf[i]! - 48;
    if (d < 0 || d > 9) return Number(attr(a, 's'));
    n = n * 10 + d;
  }
  return end > at && end - at < 10 ? n : Number(attr(a, 's'));
}

/** `A2:B11` as a range; null if it is not one. */
function rangeOf(ref: string | undefined): MergeRange | null {
  const m = /^([A-Za-z]+)(\d+):([A-Za-z]+)(\d+)$/.exec(ref ?? '');
  if (!m) return null;
  const [c1, r1, c2, r2] = [columnOf(m[1]), Number(m[2]), columnOf(m[3]), Number(m[4])];
  return { r1: Math.min(r1, r2), c1: Math.min(c1, c2), r2: Math.max(r1, r2), c2: Math.max(c1, c2) };
}

/**
 * Fills each row (number `n`, its cells) as it passes with the value of the merged ranges it
 * is in: the range's top left cell, read when its row passed. Only empty cells are filled.
 * Linear in the ranges and the rows: a range opens once at its first row, each of its columns
 * then holds its value until its last row (merged ranges do not overlap — Excel refuses it; of
 * ranges that do, the first open keeps the cells it holds), and a row looks only at the columns
 * held (a sheet of 100,000 merges of one cell took minutes when every row went through them all).
 */
function mergeFiller(ranges: readonly MergeRange[], limits: RosterLimits): (n: number, cells: string[]) => void {
  const starting = new Map<number, MergeRange[]>();
  for (const r of ranges) {
    if (r.c2 > limits.maxColumns) continue;
    const list = starting.get(r.r1);
    if (list) list.push(r);
    else starting.set(r.r1, [r]);
  }
  /** by column (from 1): the value it holds, through row `until` */
  const held: ({ value: string; until: number } | undefined)[] = [];
  /** the columns with a value held (each once) */
  let columns: number[] = [];
  return (n, cells) => {
    for (const range of starting.get(n) ?? []) {
      const value = cells[range.c1 - 1] ?? '';
      if (!value) continue;
      for (let c = range.c1; c <= range.c2; c += 1) {
        const h = held[c];
        if (h && h.until >= n) continue;
        if (!h) columns.push(c);
        held[c] = { value, until: range.r2 };
      }
    }
    if (!columns.length) return;
    let expired = false;
    for (const c of columns) {
      const h = held[c]!;
      if (h.until < n) {
        expired = true;
        continue;
      }
      while (cells.length < c) cells.push('');
      if (cells[c - 1] === '') cells[c - 1] = h.value;
    }
    if (!expired) return;
    columns = columns.filter((c) => {
      if (held[c]!.until >= n) return true;
      held[c] = undefined;
      return false;
    });
  };
}
