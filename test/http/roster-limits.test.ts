/**
 * Issue 30, item 5: roster limits name the limit that was passed — rows, columns, a row's
 * length, a cell — and CR-only line ends (old Excel for Mac) are line ends: a valid 20,000-row
 * CR-only CSV imports (it was refused 413 "cell length limit 2,000 characters (row 1)").
 */
import request from 'supertest';
import { rosterCsv } from '../../scripts/bench/generate-roster';
import { readRosterTable, type TableRow } from '../../src/services/roster/read-roster-table';
import { rosterLimits } from '../../src/services/roster/roster-limits';
import { appFixture, auth } from '../support/app-fixture';
import { sampleRosterBytes } from '../support/fixtures';
import { xlsxWith } from '../support/zip';

type Fixture = Awaited<ReturnType<typeof appFixture>>;
let f: Fixture;
beforeAll(async () => {
  f = await appFixture();
});
afterAll(async () => {
  await f.close();
});

const HEADER = '社区,网格,联防组,房屋编号,地址,房东姓名,联系电话,租住人数,房间数,户长';
const importCsv = (bytes: Buffer) =>
  request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).set('Accept-Language', 'en').attach('file', bytes, 'roster.csv');

async function allRows(bytes: Buffer): Promise<TableRow[]> {
  const out: TableRow[] = [];
  for await (const batch of readRosterTable({ bytes }, rosterLimits(bytes.length))) out.push(...batch);
  return out;
}

describe('roster limits name the limit passed (issue 30, item 5)', () => {
  it('a header of 2,000 short columns gets the column limit, not the cell limit', async () => {
    const columns = Array.from({ length: 2000 }, (_, i) => `列${i + 1}`).join(',');
    const r = await importCsv(Buffer.from(`${HEADER},${columns}\n平山村,平山村第1网格,联防1组,H1,路1号,张三,13800001234,2,1,\n`)).expect(413);
    expect(r.body.error.code).toBe('roster_limit');
    expect(r.body.error.message).toMatch(/column limit 100/);
    expect(r.body.error.message).toMatch(/row 1, found 2,010/);
    expect(r.body.error.message).not.toMatch(/cell/);
  });

  it('so does a workbook whose header has 2,000 short columns', async () => {
    const col = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : col(Math.floor(i / 26) - 1) + String.fromCharCode(65 + (i % 26)));
    const cells = [...HEADER.split(','), ...Array.from({ length: 2000 }, (_, i) => `列${i + 1}`)]
      .map((v, i) => `<c r="${col(i)}1" t="inlineStr"><is><t>${v}</t></is></c>`)
      .join('');
    const r = await request(f.server)
      .post('/api/v1/import/roster')
      .set(auth(f.adminToken))
      .set('Accept-Language', 'en')
      .attach('file', xlsxWith(`<row r="1">${cells}</row>`), 'r.xlsx')
      .expect(413);
    expect(r.body.error.message).toMatch(/column limit 100/);
  });

  it("csv-parse's per-row bound is reported as the row length limit", async () => {
    const long = Array.from({ length: 120 }, () => `"${'长'.repeat(1990)}"`).join(',');
    const r = await importCsv(Buffer.from(`${HEADER}\n${long}\n`)).expect(413);
    expect(r.body.error.message).toMatch(/row length limit 200,300 characters/);
    expect(r.body.error.message).toMatch(/row 2/);
    // and in Chinese
    const zh = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', Buffer.from(`${HEADER}\n${long}\n`), 'r.csv').expect(413);
    expect(zh.body.error.message).toMatch(/单行长度上限 200,300 字符（第 2 行/);
  });

  it('a line that never ends (no line break in 300,000 characters) is the row length limit', async () => {
    const r = await importCsv(Buffer.from(`${HEADER}\n${'a'.repeat(300_000)}`)).expect(413);
    expect(r.body.error.message).toMatch(/row length limit/);
  });

  it('one cell over 2,000 characters is still the cell limit, and rows the row limit', async () => {
    const cell = await importCsv(Buffer.from(`${HEADER}\n平山村,平山村第1网格,联防1组,H1,${'长'.repeat(5000)},张三,13800001234,2,1,\n`)).expect(413);
    expect(cell.body.error.message).toMatch(/cell length limit 2,000 characters \(row 2\)/);
    const g = await appFixture({ imports: { maxRows: 10 } });
    try {
      const rows = await request(g.server).post('/api/v1/import/roster').set(auth(g.adminToken)).set('Accept-Language', 'en').attach('file', rosterCsv(20), 'r.csv').expect(413);
      expect(rows.body.error.message).toMatch(/row limit 10/);
    } finally {
      await g.close();
    }
  });
});

describe('CR-only line ends (issue 30, item 5)', () => {
  it('a valid 20,000-row CSV with CR-only line ends imports', async () => {
    const bytes = Buffer.from(rosterCsv(20_000).toString('utf8').replace(/\n/g, '\r'));
    expect(bytes.includes(0x0a)).toBe(false);
    const r = await importCsv(bytes);
    expect(r.body.error).toBeUndefined();
    expect(r.status).toBe(200);
    expect(r.body.created).toBe(20_000);
  });

  it('a bad byte in a CR-only CSV is named by its line (the encoding check counts CR line ends too)', async () => {
    const lines = sampleRosterBytes().toString('utf8').split('\n');
    const line = lines.findIndex((l) => l.includes(',S00015,')) + 1;
    expect(line).toBeGreaterThan(1);
    for (const eol of ['\r', '\r\n']) {
      const bytes = Buffer.from(lines.join(eol));
      bytes[bytes.indexOf(Buffer.from(',S00015,')) + 9] = 0xff;
      const r = await importCsv(bytes).expect(400);
      expect(r.body.error).toMatchObject({ code: 'roster_encoding', message: expect.stringContaining(`Line ${line} `) });
    }
  });

  it('the sample roster reads the same with LF, CRLF and CR line ends, row numbers kept', async () => {
    const lf = sampleRosterBytes().toString('utf8');
    const want = await allRows(Buffer.from(lf));
    expect(want.length).toBeGreaterThan(40);
    for (const eol of ['\r\n', '\r']) expect(await allRows(Buffer.from(lf.replace(/\n/g, eol)))).toEqual(want);
  });

  it('a CRLF or a CR falling on a 64 KB chunk boundary is one line end, not a blank row', async () => {
    for (const eol of ['\r\n', '\r']) {
      // lines of 100 bytes: pad the first so a line end's CR is the chunk's last byte
      const line = (i: number) => `平山村,平山村第1网格,联防1组,H${String(i).padStart(6, '0')},路${i}号,张三,13800001234,2,1,`;
      const first = `${HEADER}${eol}`;
      let text = first;
      for (let i = 0; Buffer.byteLength(text) < 200_000; i += 1) text += `${line(i)}${eol}`;
      // move the text so a CR sits at byte 65,535 (the last of the first chunk)
      const bytes = Buffer.from(text);
      const cr = bytes.indexOf(0x0d, 65_535 - 200);
      const shifted = Buffer.concat([Buffer.from(`${'x'.repeat(65_535 - cr - eol.length)}${eol}`), bytes]);
      expect(shifted[65_535]).toBe(0x0d);
      const rows = await allRows(shifted);
      expect(rows.map((r) => r.n)).toEqual(rows.map((_, i) => i + 1)); // each line one row, numbered as its line
      expect(rows.filter((r) => r.cells.every((c) => c === '')).length).toBe(0);
    }
  });
});
