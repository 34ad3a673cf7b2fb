/**
 * The differential fuzzer of the workbook reader (read-xlsx.ts) against exceljs's reader: seeded
 * workbooks of random cells written by exceljs, some then mutated in ways that keep their
 * meaning (elements prefixed, shared strings made inline, characters written as references),
 * read by both; the cells' texts must agree. test/unit/xlsx-fuzz.test.ts runs a few hundred;
 * `npx tsx scripts/fuzz-xlsx.ts [count] [seed]` runs more.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { readRosterTable, readWithMerges, type TableRow } from '../../src/services/roster/read-roster-table';
import { rosterLimits } from '../../src/services/roster/roster-limits';
import { seeded } from '../../scripts/sim/virtual-time';

const HEADER = '社区,网格,联防组,房屋编号,地址,房东姓名,联系电话,租住人数,房间数,户长'.split(',');
const CHARS = 'abcXYZ019 安心房东平山村网格&<>"\'🔥é-_.';

/** A small seeded generator (mulberry32, the simulator's). */
export const random = seeded;

type Value = string | number | boolean | Date | null;

function value(next: () => number): Value {
  const pick = next();
  if (pick < 0.15) return null;
  if (pick < 0.55) {
    const chars = [...CHARS];
    const n = 1 + Math.floor(next() * 12);
    let s = '';
    for (let i = 0; i < n; i += 1) s += chars[Math.floor(next() * chars.length)];
    return s.trim() || 'x';
  }
  if (pick < 0.75) return Math.floor(next() * 1e11);
  if (pick < 0.85) return Math.round(next() * 1e6) / 100;
  if (pick < 0.92) return next() < 0.5;
  return new Date(Date.UTC(1990 + Math.floor(next() * 40), Math.floor(next() * 12), 1 + Math.floor(next() * 28)));
}

/** A workbook of the roster header and random rows, as exceljs writes it. */
export async function generated(seed: number): Promise<Buffer> {
  const next = random(seed);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('花名册');
  sheet.addRow(HEADER);
  const rows = 1 + Math.floor(next() * 12);
  for (let r = 0; r < rows; r += 1) {
    const cells = Array.from({ length: 1 + Math.floor(next() * 12) }, () => value(next));
    const row = sheet.addRow(cells);
    cells.forEach((v, i) => { if (v instanceof Date) row.getCell(i + 1).numFmt = 'yyyy-mm-dd'; });
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The same workbook written another way: elements prefixed, shared strings made inline, some characters as references. */
export async function mutated(bytes: Buffer, seed: number): Promise<Buffer> {
  const next = random(seed ^ 0x5eed);
  const zip = await JSZip.loadAsync(bytes);
  const sheetFile = zip.file('xl/worksheets/sheet1.xml')!;
  let sheet = await sheetFile.async('string');
  const sstFile = zip.file('xl/sharedStrings.xml');
  const shared: string[] = [];
  if (sstFile) for (const m of (await sstFile.async('string')).matchAll(/<si>([\s\S]*?)<\/si>/g)) shared.push(m[1]!);
  if (next() < 0.5) {
    // shared strings inline
    sheet = sheet.replace(/<c([^>]*?) t="s"([^>]*)><v>(\d+)<\/v><\/c>/g, (_m, a: string, b: string, i: string) => `<c${a} t="inlineStr"${b}><is>${shared[Number(i)]}</is></c>`);
  }
  if (next() < 0.5) {
    // characters as numeric references, inside text
    sheet = sheet.replace(/<t([^>]*)>([^<]*)<\/t>/g, (_m, a: string, t: string) => `<t${a}>${t.replace(/&[^;]*;|[安🔥a]/gu, (c) => (c.length > 2 ? c : `&#x${c.codePointAt(0)!.toString(16)};`))}</t>`);
  }
  if (next() < 0.5) {
    // every element of the sheet in a prefix
    sheet = sheet.replace(/<(\/?)([a-zA-Z]+)([\s/>])/g, (_m, slash: string, name: string, after: string) => `<${slash}x:${name}${after}`)
      .replace('<x:worksheet ', '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ');
  }
  zip.file('xl/worksheets/sheet1.xml', sheet);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

const text = (v: ExcelJS.CellValue): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
  return String(v);
};
const trimmed = (cells: string[]): string[] => {
  const out = [...cells];
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
};

/** Each non-blank row's number and cell texts, as exceljs's reader reads the workbook. */
export async function byExceljs(bytes: Buffer): Promise<{ n: number; cells: string[] }[]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const out: { n: number; cells: string[] }[] = [];
  book.worksheets[0]!.eachRow((row, n) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => { cells[col - 1] = text(cell.value); });
    const t = trimmed(Array.from(cells, (c) => c ?? ''));
    if (t.length) out.push({ n, cells: t });
  });
  return out;
}

/** Each non-blank row's number and cell texts, as our reader reads the workbook. */
export async function byOurs(bytes: Buffer): Promise<{ n: number; cells: string[] }[]> {
  const rows = await readWithMerges<TableRow[]>(async (merges) => {
    const out: TableRow[] = [];
    const table = readRosterTable({ bytes }, rosterLimits(bytes.length), { merges });
    for (let step = await table.next(); ; step = await table.next()) {
      if (step.done) return step.value ? { merges: step.value } : { done: out };
      out.push(...step.value);
    }
  });
  return rows.map((r) => ({ n: r.n, cells: trimmed(r.cells) })).filter((r) => r.cells.length);
}
