/**
 * Issue 12: warnings for legal but surprising changes, progress for a long import, and one
 * import at a time.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { DomainError } from '../../src/domain/errors';
import { runRosterImport } from '../../src/services/roster/run-roster-import';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { auth, rosterAppFixture } from '../support/app-fixture';
import { sampleRosterBytes } from '../support/fixtures';

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

  it('writes one audit entry per applied import, none for a refused one', async () => {
    await importFile(sample().replace(',13900003374,', ',123,')).expect(422);
    await importFile(sample()).expect(200);
    expect(await f.store.audit.count({ action: 'import_roster' })).toBe(2); // the fixture's and this one
  });
});

describe('a store without a database file of its own (MongoDB) (issue 12)', () => {
  it('parses and checks in the worker, then writes the rows through the Store', async () => {
    const store = { ...f.store, file: undefined };
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
      .rejects.toMatchObject({ code: 'roster_limit', params: { which: 'rows', max: '5' } });
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
