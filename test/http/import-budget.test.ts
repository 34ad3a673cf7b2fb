/**
 * Issue 30, item 1: an import has a time budget (IMPORT_TIME_LIMIT_SECONDS) after which it fails
 * with `import_timeout` and frees the import lock, and staff can cancel a running import
 * (`DELETE /imports/:id`). The 100,000-merge workbook (7.7 KB; it once held the lock for about 8
 * minutes) and a padded variant are refused or finish within the budget, `/healthz` answering
 * throughout and the next import not blocked past it; the figures are printed. Both stages stop
 * when told: SQLite's thread (its transaction rolled back) and the collections' (MongoDB's).
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { rosterCsv } from '../../scripts/bench/generate-roster';
import { DomainError, isDomainError } from '../../src/domain/errors';
import { runRosterImport, type ImportProgressReport } from '../../src/services/roster/run-roster-import';
import { collectionRoster } from '../../src/storage/collection-roster';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Store } from '../../src/storage/store';
import { appFixture, auth } from '../support/app-fixture';
import { depsFor, sampleRosterBytes, tempDir } from '../support/fixtures';
import { xlsxWith } from '../support/zip';

const HEADER_CELLS = '社区,网格,联防组,房屋编号,地址,房东姓名,联系电话,租住人数,房间数,户长'.split(',');
const cell = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const header = `<row r="1">${HEADER_CELLS.map((h, i) => cell(`${String.fromCharCode(65 + i)}1`, h)).join('')}</row>`;
const dataRow = (n: number, community: string) =>
  `<row r="${n}">${[community, '第一网格', '联防一组', `H9${n}`, `平山村${n}号`, `张${n}`, `1380000${String(n).padStart(4, '0')}`, '2', '1', '']
    .map((v, i) => (v ? cell(`${String.fromCharCode(65 + i)}${n}`, v) : ''))
    .join('')}</row>`;
const sheet = (rows: string, merges: number) =>
  `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${header}${rows}</sheetData><mergeCells count="${merges}">${'<mergeCell ref="A2:A3"/>'.repeat(merges)}</mergeCells></worksheet>`;

/** the workbook of the issue: a header, a data row (and the row its merge fills) and 100,000 copies of A2:A3 */
const mergeBomb = () => xlsxWith(Buffer.from(sheet(`${dataRow(2, '平山村')}${dataRow(3, '')}`, 100_000)));
/**
 * padded: the same merges over 600,000 one-cell rows (each a bad row, so the sheet is read in full twice: the merges are
 * found at its end). Made once per file (it took seconds to build): the same bytes for each test that sends it.
 */
let padded: Buffer | undefined;
function paddedMergeBomb(): Buffer {
  if (padded) return padded;
  const rows: string[] = [dataRow(2, '平山村'), dataRow(3, '')];
  for (let n = 4; n < 600_000; n += 1) rows.push(`<row r="${n}"><c r="A${n}"><v>${n}</v></c></row>`);
  padded = xlsxWith(Buffer.from(sheet(rows.join(''), 100_000)));
  return padded;
}

/** Polls `/healthz` one request after another until `stop()`; answers the slowest and the count. */
function pollHealth(server: Parameters<typeof request>[0]) {
  let going = true;
  let slowest = 0;
  let count = 0;
  const loop = (async () => {
    while (going) {
      const t0 = performance.now();
      await request(server).get('/healthz').expect(200);
      slowest = Math.max(slowest, performance.now() - t0);
      count += 1;
    }
  })();
  return async () => {
    going = false;
    await loop;
    return { slowest: Math.round(slowest), count };
  };
}

const leftovers = (dir: string) => ({
  uploads: readdirSync(path.join(dir, 'uploads')),
  temp: readdirSync(os.tmpdir()).filter((n) => n.startsWith(`anxin-import-${process.pid}-`)),
});

describe('an import within its time budget (issue 30, item 1)', () => {
  it('the 100,000-merge workbook finishes within the budget, /healthz fast throughout', async () => {
    const f = await appFixture({ imports: { timeLimitMs: 30_000 } });
    try {
      const bytes = mergeBomb();
      const health = pollHealth(f.server);
      const t0 = performance.now();
      const r = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', bytes, 'merges.xlsx');
      const took = Math.round(performance.now() - t0);
      const h = await health();
      process.stdout.write(
        `  100,000 merges (${bytes.length.toLocaleString('en')} bytes): ${r.status} in ${took} ms (budget 30,000 ms); /healthz ×${h.count}, slowest ${h.slowest} ms\n`,
      );
      expect(r.status).toBe(200);
      expect(r.body.created).toBe(2); // row 3's community filled from the merge
      expect(took).toBeLessThan(30_000);
      // the reading runs off the event loop: no /healthz waits for it (read on the loop, one would wait about the whole
      // import). Beside two busy loops one waited 45 % of it for a core: the bound tells a blocked loop from a busy machine
      expect(h.slowest).toBeLessThan(Math.max(1000, took * 0.6));
    } finally {
      await f.close();
    }
  });

  it('a padded variant is stopped at the budget with import_timeout, and the next import is not blocked past it', async () => {
    const budget = { timeLimitMs: 2000 };
    const f = await appFixture({ imports: budget });
    try {
      const bytes = paddedMergeBomb();
      const health = pollHealth(f.server);
      const t0 = performance.now();
      const r = await request(f.server)
        .post('/api/v1/import/roster')
        .set(auth(f.adminToken))
        .set('Accept-Language', 'en')
        .attach('file', bytes, 'padded.xlsx');
      const took = Math.round(performance.now() - t0);
      const h = await health();
      // at once, another import: the lock is free (with a budget a busy machine can meet: the sample's
      // 40 rows took over 2 s beside two other test workers)
      budget.timeLimitMs = 120_000;
      const t1 = performance.now();
      const next = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', sampleRosterBytes(), 'r.csv');
      const nextTook = Math.round(performance.now() - t1);
      process.stdout.write(
        `  padded merges (${bytes.length.toLocaleString('en')} bytes): ${r.status} ${r.body.error?.code} in ${took} ms (budget 2,000 ms); ` +
          `/healthz ×${h.count}, slowest ${h.slowest} ms; the next import ${next.status} in ${nextTook} ms\n`,
      );
      expect(r.status).toBe(422);
      expect(r.body.error).toEqual({ code: 'import_timeout', message: expect.stringMatching(/time limit \(2 s\)/) });
      // stopped at the budget, its threads gone within seconds more (read in full, the file takes far longer); generous for a busy machine
      expect(took).toBeLessThan(2000 + 8000);
      expect(h.slowest).toBeLessThan(Math.max(1000, took * 0.6)); // (as above: a blocked loop, not a busy machine)
      expect(next.status).toBe(200);
      expect(next.body.created).toBe(40);
      expect(leftovers(f.dir)).toEqual({ uploads: [], temp: [] });
    } finally {
      await f.close();
    }
  });
});

describe('DELETE /imports/:id (issue 30, item 1)', () => {
  it('staff cancel a running import: it stops, is audited, frees the lock; a finished one is 409', async () => {
    const f = await appFixture({ imports: { timeLimitMs: 600_000 } });
    try {
      const street = await f.userToken('staff', 'street');
      const community = await f.userToken('staff', `community:${(await f.store.communities.insert({ name: '平山村' })).id}`);
      const started = await request(f.server)
        .post('/api/v1/import/roster?async=1')
        .set(auth(street))
        .attach('file', paddedMergeBomb(), 'padded.xlsx')
        .expect(202);
      const id = started.body.id as string;
      // a community's staff may not (import is street-wide), an unknown id is 404
      await request(f.server).delete(`/api/v1/imports/${id}`).set(auth(community)).expect(403);
      await request(f.server).delete('/api/v1/imports/nosuchimport').set(auth(street)).expect(404);
      const status = await request(f.server).get(`/api/v1/imports/${id}`).set(auth(street)).expect(200);
      expect(status.body.status).toBe('running');

      const t0 = performance.now();
      const r = await request(f.server).delete(`/api/v1/imports/${id}`).set(auth(street)).set('Accept-Language', 'en').expect(200);
      process.stdout.write(`  cancelled in ${Math.round(performance.now() - t0)} ms\n`);
      expect(r.body).toMatchObject({ id, status: 'failed', error: { code: 'import_cancelled', message: expect.stringMatching(/cancelled/) } });
      const after = await request(f.server).get(`/api/v1/imports/${id}`).set(auth(street)).expect(200);
      expect(after.body).toMatchObject({ status: 'failed', error: { code: 'import_cancelled' } });
      const again = await request(f.server).delete(`/api/v1/imports/${id}`).set(auth(street)).expect(409);
      expect(again.body.error.code).toBe('import_finished');

      const entries = await f.store.audit.find({ action: 'cancel_import' });
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ target: `import:${id}`, detail: expect.objectContaining({ status: 'failed' }) });
      expect(entries[0]!.actor).toMatch(/^user:/);
      // the lock is free and nothing is left behind
      await request(f.server).post('/api/v1/import/roster').set(auth(street)).attach('file', sampleRosterBytes(), 'r.csv').expect(200);
      expect(leftovers(f.dir)).toEqual({ uploads: [], temp: [] });
    } finally {
      await f.close();
    }
  });
});

describe('both stages stop when told (issue 30, item 1)', () => {
  const ROWS = 60_000;
  /** imports ROWS rows into `store`, cancelled as its apply begins; answers what it threw and the houses stored after */
  async function cancelledInApply(store: Store) {
    const deps = depsFor(store);
    const dir = tempDir();
    const bytes = rosterCsv(ROWS);
    const stop = new AbortController();
    const phases: ImportProgressReport['phase'][] = [];
    try {
      const failure = await runRosterImport(deps, {
        source: { bytes },
        size: bytes.length,
        actor: 'test',
        signal: stop.signal,
        onProgress: (p) => {
          phases.push(p.phase);
          if (p.phase === 'apply') stop.abort(new DomainError('import_cancelled'));
        },
      }).catch((e: unknown) => e);
      return { failure, phases, houses: await store.houses.count({}) };
    } finally {
      dir.cleanup();
    }
  }

  it('SQLite: the stage thread is ended mid-apply, its transaction rolled back; the next import runs', async () => {
    const dir = tempDir();
    const store = createSqliteStore({ dataDir: dir.dir });
    try {
      const { failure, phases, houses } = await cancelledInApply(store);
      expect(phases).toContain('apply');
      expect(isDomainError(failure) && failure.code).toBe('import_cancelled');
      expect(houses).toBe(0); // all or nothing
      // the write lock is not held by the ended thread's connection: another import goes through
      const bytes = rosterCsv(100);
      const done = await runRosterImport(depsFor(store), { source: { bytes }, size: bytes.length, actor: 'test' });
      expect(done.created).toBe(100);
    } finally {
      await store.close();
      dir.cleanup();
    }
  });

  it("MongoDB's path (the collections' stage): stops before its next write slice and the lock is freed once it has", async () => {
    const dir = tempDir();
    const sqlite = createSqliteStore({ dataDir: dir.dir });
    // the stage MongoDB's store uses, over real collections
    const store: Store = { ...sqlite, roster: collectionRoster(sqlite) };
    try {
      const { failure, houses } = await cancelledInApply(store);
      expect(isDomainError(failure) && failure.code).toBe('import_cancelled');
      expect(houses).toBeLessThan(ROWS); // (not one transaction: the slices before the stop stay, as after a crash)
      const bytes = rosterCsv(100);
      const done = await runRosterImport(depsFor(store), { source: { bytes }, size: bytes.length, actor: 'test' });
      expect(done.created + done.updated + done.unchanged).toBe(100);
    } finally {
      await sqlite.close();
      dir.cleanup();
    }
  });

  it('a budget passed while reading stops the reader with import_timeout', async () => {
    const dir = tempDir();
    const store = createSqliteStore({ dataDir: dir.dir });
    try {
      const bytes = rosterCsv(300_000);
      const t0 = performance.now();
      const failure = await runRosterImport(depsFor(store), { source: { bytes }, size: bytes.length, actor: 'test', timeLimitMs: 300 }).catch(
        (e: unknown) => e,
      );
      process.stdout.write(`  300,000 rows with a 300 ms budget: stopped after ${Math.round(performance.now() - t0)} ms\n`);
      expect(isDomainError(failure) && failure.code).toBe('import_timeout');
      expect(isDomainError(failure) && failure.params.seconds).toBe(1);
      expect(await store.houses.count({})).toBe(0);
    } finally {
      await store.close();
      dir.cleanup();
    }
  });
});
