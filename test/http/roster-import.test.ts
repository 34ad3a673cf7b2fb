/**
 * Issue 12: warnings for legal but surprising changes, progress for a long import, and one
 * import at a time.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import request from 'supertest';
import { DomainError } from '../../src/domain/errors';
import { errorParams } from '../../src/http/error-middleware';
import { createI18n } from '../../src/i18n';
import { importRunning, runRosterImport } from '../../src/services/roster/run-roster-import';
import { collectionRoster } from '../../src/storage/collection-roster';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { auth, rosterAppFixture } from '../support/app-fixture';
import { sampleRosterBytes } from '../support/fixtures';
import { xlsxWith } from '../support/zip';

type Fixture = Awaited<ReturnType<typeof rosterAppFixture>>;
let f: Fixture;
beforeEach(async () => { f = await rosterAppFixture(); });
afterEach(async () => { await f.close(); });

const sample = () => sampleRosterBytes().toString('utf8');
const importFile = (text: string, query = '') => request(f.server).post(`/api/v1/import/roster${query}`).set(auth(f.adminToken)).attach('file', Buffer.from(text), 'r.csv');
const rowOf = (text: string, code: string) => text.split('\n').findIndex((l) => l.includes(`,${code},`)) + 1;

describe('roster import warnings (issue 12)', () => {
  it('the sample roster re-imported with one head changed answers that change as a warning', async () => {
    const text = sample().replace(/(P00003,[^\n]*),是/, '$1,').replace(/(P00002,[^\n]*),/, (m) => m).replace(/(P00002,平山村竹林路124号,杨英敏,15900001013,15,10),/, '$1,是');
    const r = await importFile(text).expect(200);
    expect(r.body.warnings).toEqual([{ row: rowOf(text, 'P00002'), message: expect.stringMatching(/户长将由 P00003 改为 P00002 \/ .*head changes from P00003 to P00002/) }]);
    expect(r.body).toMatchObject({ created: 0, updated: 1 });
  });

  it('warns when a house moves group, a landlord is renamed for the same phone, and a group passes 15 houses', async () => {
    const lines = sample().trimEnd().split('\n');
    const moved = lines.findIndex((l) => l.includes(',P00001,'));
    lines[moved] = lines[moved]!.replace('平山村第1网格联防1组', '平山村第1网格联防2组').replace('陈娜英', '陈娜');
    const r = await importFile(lines.join('\n')).expect(200);
    const messages = r.body.warnings.map((w: { message: string }) => w.message);
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringMatching(/房屋 P00001 将从联防组“平山村第1网格联防1组”移到“平山村第1网格联防2组”/),
      expect.stringMatching(/房东姓名将由“陈娜英”改为“陈娜” \/ .*renamed/),
    ]));
    const big = [lines[0], ...Array.from({ length: 16 }, (_, i) => `平山村,平山村第9网格,大组,B${String(i).padStart(4, '0')},平山村大路${i}号,房东${i},1370000${String(1000 + i)},2,2,`)].join('\n');
    const g = await importFile(big).expect(200);
    expect(g.body.warnings).toEqual([{ row: 2, message: expect.stringContaining('联防组“大组”将有 16 户，超过 15 户') }]);
    // a file of four more houses for that group: it will have 20 (the houses it keeps count too)
    const more = [lines[0], ...Array.from({ length: 4 }, (_, i) => `平山村,平山村第9网格,大组,B9${String(i).padStart(3, '0')},平山村大路9${i}号,房东9${i},1370009${String(1000 + i)},2,2,`)].join('\n');
    expect((await importFile(more).expect(200)).body.warnings).toEqual([{ row: 2, message: expect.stringContaining('联防组“大组”将有 20 户，超过 15 户') }]);
    // the same file again: the group stays at 20, nothing to warn of (found by a new-user check)
    expect((await importFile(more).expect(200)).body).toMatchObject({ unchanged: 4, warnings: [] });
    // two of its houses move to another group: 18 are left, and the other group is not large
    const out = [lines[0], ...Array.from({ length: 2 }, (_, i) => `平山村,平山村第9网格,小组,B${String(i).padStart(4, '0')},平山村大路${i}号,房东${i},1370000${String(1000 + i)},2,2,`)].join('\n');
    expect((await importFile(out).expect(200)).body.warnings.map((w: { message: string }) => w.message)).toEqual([
      expect.stringContaining('房屋 B0000 将从联防组“大组”移到“小组”'), expect.stringContaining('房屋 B0001 将从联防组“大组”移到“小组”'),
    ]);
    expect(await f.store.houses.count({ groupId: (await f.store.groups.findOne({ name: '大组' }))!.id })).toBe(18);
  });
});

/** A real XLSX, as Excel users send it: numbers in the count columns, text elsewhere. */
async function xlsxOf(text: string): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('花名册');
  for (const [i, line] of text.trimEnd().split('\n').entries()) {
    sheet.addRow(line.split(',').map((c, col) => (i > 0 && (col === 7 || col === 8) ? Number(c) : c)));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('a row naming a grid or group of another community (issue 12)', () => {
  const row = (community: string, grid: string, group: string, code: string, phone: string) => `${community},${grid},${group},${code},${community}某路1号,房东${code},${phone},2,2,`;
  const HEADER = '社区,网格,联防组,房屋编号,地址,房东姓名,联系电话,租住人数,房间数,户长';

  it('is a row error naming the owner, Chinese first, and the import changes nothing', async () => {
    const text = [
      HEADER,
      row('西墅社区', '平山村第1网格', '新组A', 'N0001', '13700001001'), // 2: a grid of 平山村 under 西墅社区
      row('西墅社区', '西墅社区第1网格', '平山村第2网格联防1组', 'N0002', '13700001002'), // 3: a group of 平山村's grid
      row('西墅社区', '西墅社区第1网格', '西墅社区第1网格联防1组', 'N0003', '13700001003'), // 4: good
      row('新社区甲', '新网格', '新组1', 'N0004', '13700001004'), // 5: good, first to name 新网格
      row('新社区乙', '新网格', '新组2', 'N0005', '13700001005'), // 6: 新网格 is 新社区甲's since row 5
      sample().split('\n').find((l) => l.includes(',P00001,'))!.replace(/^平山村,/, '西墅社区,'), // 7: an existing house into a look-alike grid
    ].join('\n');
    const before = { grids: await f.store.grids.count({}), groups: await f.store.groups.count({}), houses: await f.store.houses.count({}), communities: await f.store.communities.count({}) };
    const r = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', await xlsxOf(text), 'roster.xlsx').expect(422);
    expect(r.body.error.code).toBe('roster_rows');
    expect(r.body.errors).toEqual([
      { row: 2, message: expect.stringMatching(/^网格“平山村第1网格”已属于社区“平山村”，本行却写在社区“西墅社区”下.* \/ grid "平山村第1网格" already belongs to community "平山村", but this row puts it under "西墅社区"/) },
      { row: 3, message: expect.stringMatching(/^联防组“平山村第2网格联防1组”已属于社区“平山村”网格“平山村第2网格”，本行却写在社区“西墅社区”网格“西墅社区第1网格”下.* \/ group "平山村第2网格联防1组" already belongs to grid "平山村第2网格" of community "平山村"/) },
      { row: 6, message: expect.stringMatching(/^网格“新网格”已属于第 5 行的社区“新社区甲”.* \/ grid "新网格" already belongs to community "新社区甲" \(row 5\)/) },
      { row: 7, message: expect.stringMatching(/^网格“平山村第1网格”已属于社区“平山村”/) },
    ]);
    expect({ grids: await f.store.grids.count({}), groups: await f.store.groups.count({}), houses: await f.store.houses.count({}), communities: await f.store.communities.count({}) }).toEqual(before);
    expect(await f.store.houses.findOne({ code: 'N0003' })).toBeNull();
    expect((await f.store.houses.findOne({ code: 'P00001' }))!.communityId).toBe((await f.store.communities.findOne({ name: '平山村' }))!.id);

    // the same file through the Store path (MongoDB) finds the same rows
    const store = { ...f.store, roster: collectionRoster(f.store) };
    const bytes = await xlsxOf(text);
    await expect(runRosterImport({ ...f.deps, store }, { source: { bytes }, size: bytes.length, actor: 'test' }))
      .rejects.toMatchObject({ code: 'roster_rows', details: { errors: r.body.errors } });
    expect(await f.store.grids.count({})).toBe(before.grids);
  });

  it('leaves every community\'s own grids and groups alone: the sample as XLSX re-imports unchanged, new ones under their own community import', async () => {
    const same = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', await xlsxOf(sample()), 'roster.xlsx').expect(200);
    expect(same.body).toMatchObject({ created: 0, updated: 0, unchanged: 40, errors: [], warnings: [] });
    const text = [HEADER, row('西墅社区', '西墅社区第3网格', '西墅社区第3网格联防1组', 'N0010', '13700001010'), row('新社区丙', '新社区丙第1网格', '新社区丙第1网格联防1组', 'N0011', '13700001011')].join('\n');
    const added = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', await xlsxOf(text), 'roster.xlsx').expect(200);
    expect(added.body).toMatchObject({ created: 2, errors: [] });
  });
});

describe('merged cells, as street offices lay out their rosters', () => {
  it('a workbook whose 社区 and 网格 cells are merged down a block of houses (and whose title is merged across) imports every house under them', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('花名册');
    sheet.addRow(['平湖街道出租房屋花名册']);
    sheet.mergeCells('A1:J1');
    sheet.addRow('社区,网格,联防组,房屋编号,地址,房东姓名,联系电话,租住人数,房间数,户长'.split(','));
    const houses = Array.from({ length: 12 }, (_, i) => [i < 8 ? '合并社区甲' : '合并社区乙', i < 4 ? '甲第1网格' : i < 8 ? '甲第2网格' : '乙第1网格', `合并联防${Math.floor(i / 4)}组`, `M${String(i).padStart(4, '0')}`, `某路${i}号`, `房东M${i}`, `1370000${String(i).padStart(4, '0')}`, 2, 1, i % 4 === 0 ? '是' : '']);
    // the merged cells below the first are empty in the file, as Excel writes them
    for (const [i, h] of houses.entries()) sheet.addRow(h.map((v, col) => ((col === 0 && i % 8 !== 0) || (col === 1 && i % 4 !== 0) ? null : v)));
    sheet.mergeCells('A3:A10');
    sheet.mergeCells('A11:A14');
    for (const at of [3, 7, 11]) sheet.mergeCells(`B${at}:B${at + 3}`);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());

    const r = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', bytes, 'merged.xlsx').expect(200);
    expect(r.body).toMatchObject({ created: 12, errors: [] });
    const codes = await f.store.houses.find({});
    const grids = new Map((await f.store.grids.find({})).map((g) => [g.id, g.name]));
    const communities = new Map((await f.store.communities.find({})).map((c) => [c.id, c.name]));
    for (const h of houses) {
      const house = codes.find((c) => c.code === h[3])!;
      expect([communities.get(house.communityId), grids.get(house.gridId)]).toEqual([h[0], h[1]]);
    }
    // the Store path (MongoDB) reads it the same way
    const again = await runRosterImport({ ...f.deps, store: { ...f.store, roster: collectionRoster(f.store) } }, { source: { bytes }, size: bytes.length, actor: 'test' });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 12 });
  });
});

describe('progress and one import at a time (issue 12)', () => {
  it('?async=1 answers 202 {id} at once, a second import meanwhile gets 409, and GET /imports/:id shows the result', async () => {
    const text = sample().replace('陈娜英', '陈娜');
    const started = await importFile(text, '?async=1').expect(202);
    const second = await importFile(sample()).expect(409);
    expect(second.body.error.code).toBe('import_running');
    let job = (await request(f.server).get(`/api/v1/imports/${started.body.id}`).set(auth(f.adminToken)).expect(200)).body;
    expect(job).toMatchObject({ id: started.body.id, processed: expect.any(Number), total: expect.any(Number) });
    // the job's state moves as the worker reports; look until it is over
    while (job.status === 'running') {
      await new Promise((r) => setImmediate(r));
      job = (await request(f.server).get(`/api/v1/imports/${started.body.id}`).set(auth(f.adminToken)).expect(200)).body;
    }
    expect(job).toMatchObject({ status: 'done', processed: 40, total: 40, result: { created: 0, updated: 1, unchanged: 39 } });
    await request(f.server).get('/api/v1/imports/nope').set(auth(f.adminToken)).expect(404);
  });

  it('while parsing, the total is the rows the file will have (a CSV by the bytes read so far), not the rows parsed so far', async () => {
    const head = sample().split('\n')[0]!;
    const rows = Array.from({ length: 20_000 }, (_, i) => `平山村,平山村第1网格,平山村第1网格联防${Math.floor(i / 10)}组,Q${String(i).padStart(6, '0')},平山村${i}号,房东${i},139${String(i).padStart(8, '0')},2,1,`);
    const bytes = Buffer.from(`${head}\n${rows.join('\n')}\n`);
    for (const store of [f.store, { ...f.store, roster: collectionRoster(f.store) }]) { // SQLite's two threads, and the Store path's one
      const parsing: { processed: number; total: number }[] = [];
      await runRosterImport({ ...f.deps, store }, { source: { bytes }, size: bytes.length, actor: 'test', onProgress: (p) => { if (p.phase === 'parse') parsing.push(p); } });
      expect(parsing.length).toBeGreaterThan(0);
      // (the first report comes with the first rows, the file's size already known; on SQLite before any row is staged)
      expect(parsing[0]!.total).toBeGreaterThan(parsing[0]!.processed);
      if (store === f.store) expect(parsing[0]!.processed).toBe(0);
      // (an estimate: these lines grow longer down the file, so the first ones make it a few per cent low)
      for (const p of parsing) expect(Math.abs(p.total - 20_000)).toBeLessThan(2_000);
    }
  });

  /**
   * Holds SQLite's write lock from another connection: an import then parses and stages but
   * waits to apply, so "an import is running" lasts exactly as long as the test needs it to.
   */
  const holdWriteLock = () => {
    const db = new Database(f.store.file!);
    db.exec('BEGIN IMMEDIATE');
    return () => { db.exec('ROLLBACK'); db.close(); };
  };
  const waitForJob = async (id: string) => {
    for (;;) {
      const job = (await request(f.server).get(`/api/v1/imports/${id}`).set(auth(f.adminToken)).expect(200)).body;
      if (job.status !== 'running') return job;
      await new Promise((r) => setImmediate(r));
    }
  };

  it('GET /imports/:id words a failed import in the asker\'s language, not the uploader\'s', async () => {
    const wide = Buffer.from(`${sample().split('\n')[0]}${',x'.repeat(150)}\n`);
    const started = await request(f.server).post('/api/v1/import/roster?async=1').set(auth(f.adminToken)).attach('file', wide, 'r.csv').expect(202);
    const zh = await waitForJob(started.body.id);
    expect(zh).toMatchObject({ status: 'failed', error: { code: 'roster_limit', message: '花名册超出限制：列数上限 100（第 1 行，实际 160）' } });
    const en = (await request(f.server).get(`/api/v1/imports/${started.body.id}`).set(auth(f.adminToken)).set('Accept-Language', 'en').expect(200)).body;
    expect(en.error.message).toBe('The roster exceeds a limit: column limit 100 (row 1, found 160)');
    // bad rows are the job's result, as the synchronous import's 422 body
    const bad = await importFile(sample().replace(',13900003374,', ',123,'), '?async=1').expect(202);
    expect(await waitForJob(bad.body.id)).toMatchObject({ status: 'failed', result: { created: 0, errors: [expect.objectContaining({ message: expect.stringContaining('联系电话') })], error: { code: 'roster_rows' } } });
  });

  it('?async=1 while another import runs answers 409 import_running at once, not 202 and a failure later', async () => {
    const release = holdWriteLock();
    let first: request.Response;
    try {
      first = await importFile(sample().replace('陈娜英', '陈娜'), '?async=1').expect(202);
      const second = await importFile(sample().replace('杨英敏', '杨英'), '?async=1').expect(409);
      expect(second.body.error).toEqual({ code: 'import_running', message: '已有一份花名册正在导入，请等它完成后再试' });
      const en = await importFile(sample(), '?async=1').set('Accept-Language', 'en').expect(409);
      expect(en.body.error.message).toMatch(/Another roster import is running/);
    } finally {
      release();
    }
    expect(await waitForJob(first.body.id)).toMatchObject({ status: 'done', result: { updated: 1 } });
    expect((await f.store.landlords.findOne({ phone: '15900001013' }))!.name).toBe('杨英敏'); // the refused one's change is not there
    expect(readdirSync(path.join(f.dir, 'uploads'))).toEqual([]); // nor its spooled upload
  });

  it('two sync imports at once: the second gets 409 and nothing of it is applied', async () => {
    const audits = await f.store.audit.count({ action: 'import_roster' });
    const release = holdWriteLock();
    const first = importFile(sample().replace('陈娜英', '陈娜')).then((r) => r);
    try {
      // the first is running once the store is marked busy (it waits at the lock to apply)
      while (!importRunning(f.store)) await new Promise((r) => setImmediate(r));
      const second = await importFile(sample().replace('杨英敏', '杨英').replace(',S00040,', ',S00041,')).expect(409);
      expect(second.body.error.code).toBe('import_running');
    } finally {
      release();
    }
    expect((await first).status).toBe(200);
    expect((await first).body).toMatchObject({ created: 0, updated: 1, unchanged: 39 });
    expect((await f.store.landlords.findOne({ phone: '15900001013' }))!.name).toBe('杨英敏');
    expect(await f.store.houses.findOne({ code: 'S00041' })).toBeNull();
    expect(await f.store.audit.count({ action: 'import_roster' })).toBe(audits + 1);
    expect(readdirSync(path.join(f.dir, 'uploads'))).toEqual([]);
  });

  it('writes one audit entry per applied import, none for a refused one', async () => {
    await importFile(sample().replace(',13900003374,', ',123,')).expect(422);
    await importFile(sample()).expect(200);
    expect(await f.store.audit.count({ action: 'import_roster' })).toBe(2); // the fixture's and this one
  });
});

describe('the roster stage over collections (MongoDB\'s) (issue 12)', () => {
  it('parses and checks in the worker, then writes the rows through the Store', async () => {
    const store = { ...f.store, roster: collectionRoster(f.store) };
    const bytes = Buffer.from(sample().replace('陈娜英', '陈娜'));
    const r = await runRosterImport({ ...f.deps, store }, { source: { bytes }, size: bytes.length, actor: 'test' });
    expect(r).toMatchObject({ created: 0, updated: 1, unchanged: 39 });
    const bad = Buffer.from(sample().replace(',13900003374,', ',123,'));
    await expect(runRosterImport({ ...f.deps, store }, { source: { bytes: bad }, size: bad.length, actor: 'test' })).rejects.toEqual(expect.any(DomainError));
  });
});

describe('limits and temp files (issue 12)', () => {
  it('refuses a file over the configured row limit, naming it', async () => {
    const bytes = sampleRosterBytes();
    await expect(runRosterImport(f.deps, { source: { bytes }, size: bytes.length, actor: 'test', maxRows: 5 }))
      .rejects.toMatchObject({ code: 'roster_limit', params: { which: 'rows', max: '5', row: 7 } });
  });

  it('refuses a sheet numbering two rows 2 as damaged (400), not with a thread\'s bare crash', async () => {
    const cells = (r: number, v: string[]) => `<row r="${r}">${v.map((t) => `<c t="inlineStr"><is><t>${t}</t></is></c>`).join('')}</row>`;
    const row = (code: string) => ['平山村', '平山村第1网格', '联防1组', code, '东港路1号', '陈娜英', '15000001408', '1', '1'];
    const bytes = xlsxWith(cells(1, sample().split('\n')[0]!.split(',')) + cells(2, row('Q00001')) + cells(2, row('Q00002')));
    // (the reader refuses it as a damaged sheet; before it did, the stage refused the second row 2, and that was the stager thread's uncaught error)
    const failed = await runRosterImport(f.deps, { source: { bytes }, size: bytes.length, actor: 'test' }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    expect(failed).toMatchObject({ code: 'roster_unreadable', message: expect.stringContaining('row 2 comes after row 2') });
    const answer = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', bytes, 'r.xlsx').expect(400);
    expect(answer.body.error.code).toBe('roster_unreadable');
    expect(importRunning(f.store)).toBe(false);
    expect(await f.store.houses.count({ code: 'Q00001' })).toBe(0);
  });

  it('names a limit and where it was passed in the reader\'s language, Chinese without English inside', async () => {
    const wide = Buffer.from(`${sample().split('\n')[0]}${',x'.repeat(150)}\n`);
    const zh = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', wide, 'r.csv').expect(413);
    expect(zh.body.error.message).toBe('花名册超出限制：列数上限 100（第 1 行，实际 160）');
    const en = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).set('Accept-Language', 'en').attach('file', wide, 'r.csv').expect(413);
    expect(en.body.error.message).toBe('The roster exceeds a limit: column limit 100 (row 1, found 160)');
    const bytes = sampleRosterBytes();
    const rows = await runRosterImport(f.deps, { source: { bytes }, size: bytes.length, actor: 'test', maxRows: 5 }).catch((e: DomainError) => e);
    // (as `npm run import` says it)
    const i18n = await createI18n('zh-CN');
    const t = i18n.t.bind(i18n);
    expect(t('api:errors.roster_limit', { lng: 'zh-CN', ...errorParams(rows as DomainError, t, 'zh-CN') })).toBe('花名册超出限制：行数上限 5（第 7 行）');
  });

  it('lists at most 10,000 cross-row problems and counts every bad row once: 30,000 rows repeating one code', async () => {
    const head = sample().split('\n')[0]!;
    const lines = Array.from({ length: 30_000 }, (_, i) => `平山村,平山村第1网格,平山村第1网格联防${Math.floor(i / 10)}组,P99999,平山村${i}号,房东${i},1${String(3800000000 + i)},2,1,`);
    const r = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', Buffer.from([head, ...lines].join('\n')), 'r.csv').expect(422);
    // every row after the first repeats P99999
    expect(r.body.errors).toHaveLength(10_000);
    expect(r.body.errors[0]).toMatchObject({ row: 3 });
    expect(r.body.error.message).toBe('花名册有 29999 行有误（列出前 10000 行），整份文件未导入');
    expect(await f.store.houses.count({ code: 'P99999' })).toBe(0);
  });

  it('refuses a UTF-8 CSV with one bad byte naming its line (it was read as GB18030 and garbled every name), and a GB18030 CSV with a byte it cannot have', async () => {
    const before = (await f.store.houses.find({}, { sort: { code: 1 } })).map((h) => `${h.code}|${h.address}|${h.groupId}`);
    const text = sample();
    const line = rowOf(text, 'S00015');
    expect(line).toBeGreaterThan(1);
    const utf8 = Buffer.from(text);
    utf8[utf8.indexOf(Buffer.from(',S00015,')) + 9] = 0xff; // inside that row's address
    const r = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', utf8, 'r.csv').expect(400);
    expect(r.body.error).toMatchObject({ code: 'roster_encoding', message: expect.stringContaining(`第 ${line} 行`) });
    const en = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).set('Accept-Language', 'en').attach('file', utf8, 'r.csv').expect(400);
    expect(en.body.error.message).toContain(`Line ${line} `);
    const gb = iconv.encode(text, 'gb18030');
    const at = gb.indexOf(Buffer.from(',S00015,')) + 9;
    const broken = Buffer.concat([gb.subarray(0, at), Buffer.from([0xff, 0x80]), gb.subarray(at)]);
    const g = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', broken, 'r.csv').expect(400);
    expect(g.body.error).toMatchObject({ code: 'roster_encoding', message: expect.stringContaining(`第 ${line} 行`) });
    expect((await f.store.houses.find({}, { sort: { code: 1 } })).map((h) => `${h.code}|${h.address}|${h.groupId}`)).toEqual(before);
    // the same file, whole, still imports (as GB18030)
    await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', gb, 'r.csv').expect(200);
  });

  it('refuses date cells in a workbook (Excel turned 3-12 into 12 March): they came in as serial numbers, a house code 46093 or 45,356 tenants', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('花名册');
    const lines = sample().trimEnd().split('\n');
    for (const line of lines) sheet.addRow(line.split(','));
    const code = sheet.getRow(3).getCell(4);
    code.value = new Date(Date.UTC(2026, 2, 12));
    code.numFmt = 'm"月"d"日"';
    const tenants = sheet.getRow(5).getCell(8);
    tenants.value = new Date(Date.UTC(2024, 2, 5));
    tenants.numFmt = 'yyyy/m/d';
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    const r = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', bytes, 'r.xlsx').expect(422);
    expect(r.body.errors).toEqual([
      { row: 3, message: expect.stringContaining('房屋编号一栏是日期格式') },
      { row: 5, message: expect.stringContaining('租住人数一栏是日期格式') },
    ]);
    expect(await f.store.houses.count({ code: '46093' })).toBe(0);
  });

  it('reads a workbook as offices keep it: an empty 说明 sheet first, a title row above the header, a landline with its area code in brackets', async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet('说明');
    const sheet = book.addWorksheet('花名册');
    sheet.addRow(['平湖街道出租房屋花名册（2026年11月）']);
    const text = sample().replace(',13900003374,', ',(0755)87654321,');
    for (const line of text.trimEnd().split('\n')) sheet.addRow(line.split(','));
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    const r = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', bytes, 'r.xlsx').expect(200);
    expect(r.body.created + r.body.updated + r.body.unchanged).toBe(40);
    expect(await f.store.landlords.count({ phone: '075587654321' })).toBe(1);
    // a title row and then no header at all still names the missing columns
    const noHeader = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', Buffer.from('平湖街道出租房屋花名册\n平山村,x\n'), 'r.csv').expect(400);
    expect(noHeader.body.error).toMatchObject({ code: 'roster_headers', message: expect.stringContaining('房屋编号') });
  });

  it('passes by a filled 说明 sheet of instructions before the roster, written either way exceljs writes a workbook', async () => {
    const instructions = ['填表说明', '1. 每户一行，房屋编号不可重复', '2. 联系电话填手机或带区号的座机', '3. 户长一栏填“是”', '4. 租住人数填数字', '5. 本表每月导入一次', '6. 有疑问请联系街道'];
    const lines = sample().trimEnd().split('\n').map((l) => l.split(','));
    const inMemory = new ExcelJS.Workbook();
    const notes = inMemory.addWorksheet('说明');
    for (const l of instructions) notes.addRow([l]);
    const roster = inMemory.addWorksheet('花名册');
    for (const l of lines) roster.addRow(l);
    const streamed = path.join(f.dir, 'streamed.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: streamed, useSharedStrings: true });
    const w1 = writer.addWorksheet('说明');
    for (const l of instructions) w1.addRow([l]).commit();
    w1.commit();
    const w2 = writer.addWorksheet('花名册');
    for (const l of lines) w2.addRow(l).commit();
    w2.commit();
    await writer.commit();
    for (const bytes of [Buffer.from(await inMemory.xlsx.writeBuffer()), readFileSync(streamed)]) {
      const r = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', bytes, 'r.xlsx').expect(200);
      expect(r.body.created + r.body.updated + r.body.unchanged).toBe(40);
    }
    // a 说明 sheet that lists the columns (with what to write under each), and a hidden old copy of the roster with bad rows, before the roster
    const asides = new ExcelJS.Workbook();
    const columns = asides.addWorksheet('填表说明');
    columns.addRow(lines[0]!);
    columns.addRow(lines[0]!.map((c) => `${c}：按实际填写`));
    const old = asides.addWorksheet('旧表', { state: 'hidden' });
    old.addRow(lines[0]!);
    old.addRow(lines[1]!.map((c, i) => (i === 6 ? '123' : c)));
    const current = asides.addWorksheet('花名册');
    for (const l of lines) current.addRow(l);
    const r2 = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', Buffer.from(await asides.xlsx.writeBuffer()), 'r.xlsx').expect(200);
    expect(r2.body.created + r2.body.updated + r2.body.unchanged).toBe(40);
        // no sheet with a header: the first filled one is read, and the error names the columns it lacks
    const none = new ExcelJS.Workbook();
    const only = none.addWorksheet('说明');
    for (const l of instructions) only.addRow([l]);
    none.addWorksheet('空白');
    const r = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', Buffer.from(await none.xlsx.writeBuffer()), 'r.xlsx').expect(400);
    expect(r.body.error).toMatchObject({ code: 'roster_headers', message: expect.stringContaining('房屋编号') });
  });

  it('names a bad CSV row by its line in the file, blank lines counted', async () => {
    const lines = sample().trimEnd().split('\n');
    const at = lines.findIndex((l) => l.includes(',P00003,'));
    lines[at] = lines[at]!.replace(/,1\d{10},/, ',123,');
    const withBlanks = [lines[0], '', ...lines.slice(1, at), '', ...lines.slice(at)].join('\n');
    const r = await importFile(withBlanks).expect(422);
    // the header is line 1, a blank line 2, and one more blank line before the bad row
    expect(r.body.errors).toEqual([{ row: at + 3, message: expect.stringContaining('联系电话') }]);
  });

  it('reads Excel\'s tab-separated text exports: "Unicode text" (UTF-16 with its byte-order mark) and "text (tab-delimited)" (GB18030), a title above the header', async () => {
    const tsv = `平湖街道出租房屋花名册\n${sample().trimEnd().split('\n').map((l) => l.split(',').join('\t')).join('\r\n')}\r\n`;
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, 'utf16le')]);
    for (const bytes of [utf16, iconv.encode(tsv, 'gb18030')]) {
      const r = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', bytes, 'r.txt').expect(200);
      expect(r.body.created + r.body.updated + r.body.unchanged).toBe(40);
    }
    // a comma CSV whose addresses hold tabs stays a comma CSV
    await importFile(sample().replace(',平山村东港路25号,', ',平山村东港路\t25号,')).expect(200);
    expect((await f.store.houses.findOne({ code: 'P00001' }))?.address).toBe('平山村东港路 25号');
    await importFile(sample()).expect(200);
  });

  it('removes each spooled upload when its import ends, and the photos a crash left half-written when the store opens', async () => {
    await importFile(sample().replace(',13900003374,', ',123,')).expect(422);
    await importFile(sample()).expect(200);
    expect(readdirSync(path.join(f.dir, 'uploads'))).toEqual([]);
    mkdirSync(path.join(f.dir, 'photos', 'ab'), { recursive: true });
    writeFileSync(path.join(f.dir, 'photos', 'ab', 'abcdef.1234.tmp'), 'half a photo');
    await createSqliteStore({ dataDir: f.dir }).close();
    expect(readdirSync(path.join(f.dir, 'photos', 'ab'))).toEqual([]);
  });
});

describe('the refusal in English (found by a new-user check)', () => {
  it('counts one bad row in the singular, more in the plural', async () => {
    const one = sample().replace(/,15000001408,/, ',12345,');
    const r = await importFile(one).set('Accept-Language', 'en').expect(422);
    expect(r.body.error).toMatchObject({ code: 'roster_rows', message: '1 roster row is invalid; nothing was imported' });
    const two = one.replace(/,P00002,/, ',P 2!,');
    expect((await importFile(two).set('Accept-Language', 'en').expect(422)).body.error.message).toBe('2 roster rows are invalid; nothing was imported');
  });
});
