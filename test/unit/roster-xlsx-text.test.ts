import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readRosterTable, type TableRow } from '../../src/services/roster/read-roster-table';
import { rosterLimits } from '../../src/services/roster/roster-limits';

/**
 * exceljs 4.4.0's streaming reader decoded each inflated chunk of XML on its own, so a Chinese
 * character split between two chunks came out as U+FFFD (exceljs issues #2084, #2316): about one
 * row in 15,000 of a generated street, silently, in names and addresses. patches/exceljs+4.4.0.patch
 * (applied by `npm install`'s postinstall) carries the split character over; exceljs still reads
 * workbooks for the tests and scripts. The roster import has its own reader now (read-xlsx.ts,
 * which scans bytes and decodes a text only once it is whole): the same 20,000 rows check it.
 */
describe('XLSX text survives chunk boundaries', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'anxin-xlsx-text-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exceljs parse-sax keeps a character split between two chunks (the patch is applied)', async () => {
    // (an internal file of exceljs, without types of its own)
    const parseSax = jest.requireActual<(it: AsyncIterable<Buffer>) => AsyncIterable<{ eventType: string; value: unknown }[]>>('exceljs/lib/utils/parse-sax');
    const bytes = Buffer.from('<root>大家好，才是真的好</root>');
    async function* split() { yield bytes.subarray(0, 20); yield bytes.subarray(20); }
    let text = '';
    for await (const events of parseSax(split())) for (const e of events) if (e.eventType === 'text') text += e.value as string;
    expect(text).toBe('大家好，才是真的好');
  });

  // names and addresses of varying lengths, so chunk edges fall inside characters many times over
  const cells = (i: number) => [`社区${i % 7}`, `第${i % 13}网格`, `联防${i % 97}组`, `H${String(i).padStart(6, '0')}`, `温州市鹿城区五马街道${'新村路'.repeat(1 + (i % 5))}${i}号`, `房东${'张王李赵'.slice(0, 1 + (i % 4))}${i}`];

  it.each([
    ['inline strings (as generated workbooks write them)', false],
    ['shared strings (as Excel writes them)', true],
  ])('every cell of 20,000 Chinese rows reads back exactly: %s', async (_label, useSharedStrings) => {
    const file = path.join(dir, `text-${useSharedStrings ? 'shared' : 'inline'}.xlsx`);
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings, useStyles: false });
    const ws = wb.addWorksheet('roster');
    // (the reader takes the first sheet with a roster's header near its top)
    ws.addRow(['社区', '网格', '联防组', '房屋编号', '地址', '房东姓名']).commit();
    for (let i = 0; i < 20_000; i += 1) ws.addRow(cells(i)).commit();
    ws.commit();
    await wb.commit();

    const rows: TableRow[] = [];
    for await (const batch of readRosterTable({ path: file }, rosterLimits(statSync(file).size))) rows.push(...batch);
    expect(rows).toHaveLength(20_001);
    const wrong = rows.slice(1).filter((r, i) => r.cells.join('|') !== cells(i).join('|'));
    expect(wrong.slice(0, 3)).toEqual([]);
    expect(rows.some((r) => r.cells.some((c) => c.includes('\uFFFD')))).toBe(false);
  });
});
