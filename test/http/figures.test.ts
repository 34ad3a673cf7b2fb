/** Issue 11 through the API: the ranking, the monthly report (XLSX read back with exceljs, and CSV), and month close. */
import ExcelJS from 'exceljs';
import request from 'supertest';
import { closeMonth } from '../../src/services/figures/monthly-report';
import { auth, binary, rosterAppFixture } from '../support/app-fixture';

type Fixture = Awaited<ReturnType<typeof rosterAppFixture>>;

describe('figures at city scale (issue 11)', () => {
  let f: Fixture;
  let cA: string;
  beforeAll(async () => {
    f = await rosterAppFixture();
    cA = (await f.store.communities.findOne({ name: '平山村' }))!.id;
    // a landlord whose name a spreadsheet would run, and some progress to count
    const h1 = (await f.store.houses.findOne({ code: 'P00001' }))!;
    await f.store.landlords.update(h1.landlordId, { name: '=HYPERLINK("http://x","点我")' });
    const round = await f.store.rounds.insert({ period: '2026-11', deadline: new Date('2026-11-20T12:00:00Z'), scope: 'street', status: 'open', openedAt: new Date() });
    const letter = await f.store.letters.findOne({}, { version: -1 });
    for (const code of ['P00001', 'P00002', 'P00023', 'S00011']) {
      const h = (await f.store.houses.findOne({ code }))!;
      const at = { communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, houseId: h.id, houseCode: h.code };
      await f.store.submissions.insert({ ...at, roundId: round.id, period: '2026-11', status: code === 'S00011' ? 'complete' : 'approved', items: {}, returnReason: null, reviewedBy: 'user:reviewer', reviewedAt: new Date() });
      if (letter) await f.store.commitments.insert({ ...at, letterVersion: letter.version, landlordId: h.landlordId, contactId: null, messageId: null, at: new Date() });
      // an open hazard (not yet due), closed after the month is closed (issue 29)
      if (code === 'P00023')
        await f.store.hazards.insert({ ...at, number: 2901, description: '楼道堆放杂物', openedBy: 'user:reviewer', evidencePhotoIds: [], sitePhotos: null, rectifiedAt: null, closedAt: null, closedBy: null, status: 'open', deadline: new Date('2099-01-01T00:00:00Z') });
    }
  });
  afterAll(() => f.close());

  it('ranks the grids and groups of a scope by compliance, with the figures /stats gives', async () => {
    const r = await request(f.server).get('/api/v1/stats/ranking?by=grid').set(auth(f.adminToken)).expect(200);
    expect(r.body.items).toHaveLength(4);
    expect(r.body.items.map((x: { rank: number }) => x.rank)).toEqual([1, 2, 3, 4]);
    const rates = r.body.items.map((x: { rates: { compliance: number } }) => x.rates.compliance);
    expect([...rates].sort((a, b) => b - a)).toEqual(rates);
    const sum = (k: string) => r.body.items.reduce((a: number, x: Record<string, number>) => a + x[k]!, 0);
    const stats = (await request(f.server).get('/api/v1/stats').set(auth(f.adminToken)).expect(200)).body;
    for (const k of ['houses', 'committed', 'submitted', 'approved', 'compliant']) expect(sum(k)).toBe(stats[k]);
    const staff = await f.userToken('staff', `community:${cA}`);
    const page = await request(f.server).get('/api/v1/stats/ranking?by=grid&limit=2&offset=1').set(auth(f.adminToken)).expect(200);
    expect(page.body).toMatchObject({ total: 4, limit: 2, offset: 1 });
    expect(page.body.items.map((x: { rank: number }) => x.rank)).toEqual([2, 3]);
    const mine = await request(f.server).get('/api/v1/stats/ranking').set(auth(staff)).expect(200);
    expect(mine.body.by).toBe('group');
    expect(mine.body.items).toHaveLength(2);
    expect((await request(f.server).get('/api/v1/stats/ranking?by=street').set(auth(staff))).status).toBe(400);
    // a typo'd year is refused before anything is counted or streamed
    for (const period of ['0000-01', '9999-12', '2026-13']) {
      expect((await request(f.server).get(`/api/v1/reports/monthly.xlsx?period=${period}`).set(auth(f.adminToken))).status).toBe(400);
      expect((await request(f.server).get(`/api/v1/stats?period=${period}`).set(auth(f.adminToken))).status).toBe(400);
    }
  });

  it("a scope's total is counted with its parts' in one pass; the parts then come from that count and equal a fresh one", async () => {
    const counts = jest.spyOn(f.store, 'figures');
    try {
      const get = async (q: string) => (await request(f.server).get(`/api/v1/stats${q}`).set(auth(f.adminToken)).expect(200)).body;
      // a write first, so nothing is cached yet
      await f.store.landlords.update((await f.store.houses.findOne({ code: 'P00002' }))!.landlordId, { name: '改名' });
      counts.mockClear();
      const street = await get('');
      expect(counts.mock.calls.map(([q]) => q.by)).toEqual(['community']);
      const communities = await f.store.communities.find({});
      const letterVersion = (await f.store.letters.findOne({}, { version: -1 }))?.version ?? null;
      const fresh = async (where: object) => (await f.store.figures({ where, by: 'all', period: '2026-11', letterVersion, now: f.deps.clock.now() }))[0]!;
      const parts = [];
      for (const c of communities) parts.push(await get(`?scope=community:${c.id}`));
      expect(counts).toHaveBeenCalledTimes(1); // every community answered from the street's count
      for (const [i, c] of communities.entries()) {
        const { key: _key, ...want } = await fresh({ communityId: c.id });
        expect(parts[i]).toMatchObject(want);
      }
      for (const k of ['houses', 'committed', 'submitted', 'approved', 'compliant', 'hazardsOpen']) expect(parts.reduce((a, p) => a + p[k], 0)).toBe(street[k]);
      // a community counted afresh (after a write) counts its grids likewise
      await f.store.landlords.update((await f.store.houses.findOne({ code: 'P00002' }))!.landlordId, { name: '再改名' });
      counts.mockClear();
      await get(`?scope=community:${cA}`);
      expect(counts.mock.calls.map(([q]) => q.by)).toEqual(['grid']);
      const grids = await f.store.grids.find({ communityId: cA });
      for (const g of grids) {
        const { key: _key, ...want } = await fresh({ gridId: g.id });
        counts.mockClear();
        expect(await get(`?scope=grid:${g.id}`)).toMatchObject(want);
        expect(counts).not.toHaveBeenCalled();
      }
    } finally { counts.mockRestore(); }
  });

  it('the monthly report opens: a summary and a sheet per community, rows matching /stats, formulas as text, phones masked for heads', async () => {
    const res = await request(f.server).get('/api/v1/reports/monthly.xlsx?period=2026-11').set(auth(f.adminToken)).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.body as never);
    const communities = await f.store.communities.count({});
    expect(book.worksheets).toHaveLength(communities + 1);
    const [summary, ...sheets] = book.worksheets;
    const stats = (await request(f.server).get('/api/v1/stats?period=2026-11').set(auth(f.adminToken)).expect(200)).body;
    expect(sheets.reduce((a, ws) => a + ws.actualRowCount - 1, 0)).toBe(stats.houses);
    expect(summary!.getRow(1).getCell(1).value).toBe('层级');
    expect(summary!.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const total = summary!.getRow(summary!.actualRowCount);
    expect(total.getCell(1).value).toBe('合计');
    expect(total.getCell(4).value).toBe(stats.houses);
    expect(total.getCell(9).value).toBe(stats.compliant);
    expect(total.getCell(12).numFmt).toBe('0.0%');
    const cells = sheets.flatMap((ws) => ws.getSheetValues().slice(2).map((row) => (row as unknown[]).slice(1)));
    const p1 = cells.find((c) => c[3] === 'P00001')!;
    expect(p1[5]).toBe('=HYPERLINK("http://x","点我")');
    const cell = sheets[0]!.getRow(2).getCell(6);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(sheets.every((ws) => ws.getSheetValues().every((row) => !(row as ExcelJS.CellValue[] | undefined)?.some((v) => typeof v === 'object' && v !== null && 'formula' in v)))).toBe(true);
    expect(String(p1[6])).toMatch(/^1\d{10}$/); // an admin sees phones

    const group = (await f.store.groups.findOne({ communityId: cA }))!;
    const head = await f.userToken('head', `group:${group.id}`);
    const hr = await request(f.server).get('/api/v1/reports/monthly.xlsx?period=2026-11').set(auth(head)).buffer(true).parse(binary).expect(200);
    const hb = new ExcelJS.Workbook();
    await hb.xlsx.load(hr.body as never);
    expect(hb.worksheets).toHaveLength(2);
    const rows = hb.worksheets[1]!.getSheetValues().slice(2).map((row) => (row as unknown[]).slice(1));
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => /^1\d{2}\*{4}\d{4}$/.test(String(r[6])))).toBe(true);
    // a head's summary is their group alone: no row named after the community or grid holding the group's part of it
    const headSummary = hb.worksheets[0]!.getSheetValues().slice(2).map((row) => (row as unknown[]).slice(1));
    expect(headSummary).toHaveLength(1);
    expect([headSummary[0]![0], headSummary[0]![2], headSummary[0]![3]]).toEqual(['合计', group.name, 10]);
    // and their ranking by grid is by group: one row, their group, under its own name
    const ranked = (await request(f.server).get('/api/v1/stats/ranking?by=grid').set(auth(head)).expect(200)).body;
    expect(ranked).toMatchObject({ by: 'group', total: 1, items: [{ id: group.id, name: group.name, houses: 10 }] });
  });

  it('a community named like a reserved sheet name still gives a workbook that opens', async () => {
    const c = await f.store.communities.insert({ name: "'History'" });
    const g = await f.store.grids.insert({ communityId: c.id, name: 'G' });
    const res = await request(f.server).get(`/api/v1/reports/monthly.xlsx?period=2026-11&scope=community:${c.id}`).set(auth(f.adminToken)).buffer(true).parse(binary).expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.body as never);
    expect(book.worksheets.map((w) => w.name)).toEqual(['汇总', 'History 1']);
    await f.store.grids.delete(g.id);
    await f.store.communities.delete(c.id);
  });

  it('CSV has the same rows, and a cell a spreadsheet would run starts with an apostrophe', async () => {
    const res = await request(f.server).get('/api/v1/reports/monthly.xlsx?period=2026-11&format=csv').set(auth(f.adminToken)).expect(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toContain('房屋编号');
    expect(lines).toHaveLength(41);
    expect(lines.find((l) => l.includes('P00001'))).toContain(`"'=HYPERLINK(""http://x"",""点我"")"`);
  });

  it('a closed month is frozen: moving a house afterwards changes today\'s figures, not that month\'s report', async () => {
    expect(await closeMonth(f.deps, { period: '2026-11', year: 2026 })).toBe(40);
    expect(await closeMonth(f.deps, { period: '2026-11', year: 2026 })).toBe(0);
    const h = (await f.store.houses.findOne({ code: 'P00001' }))!;
    const other = (await f.store.groups.findOne({ name: '西墅社区第1网格联防1组' }))!;
    await request(f.server).patch(`/api/v1/houses/${h.id}`).set(auth(f.adminToken)).send({ groupId: other.id }).expect(200);
    const res = await request(f.server).get('/api/v1/reports/monthly.xlsx?period=2026-11&format=csv').set(auth(f.adminToken)).expect(200);
    expect(res.text.split('\r\n').find((l) => l.includes('P00001'))).toContain('平山村');
    const live = await request(f.server).get('/api/v1/reports/monthly.xlsx?period=2026-12&format=csv').set(auth(f.adminToken)).expect(200);
    expect(live.text.split('\r\n').find((l) => l.includes('P00001'))).toContain('西墅社区');
  });

  it('a closed month\'s /stats, ranking and trend are what was true when it closed: a house added, a set approved, a hazard closed or a house moved afterwards changes only the open month (issue 29)', async () => {
    const stats = async (q: string) => (await request(f.server).get(`/api/v1/stats?${q}`).set(auth(f.adminToken)).expect(200)).body;
    const ranking = async (q: string) => (await request(f.server).get(`/api/v1/stats/ranking?${q}`).set(auth(f.adminToken)).expect(200)).body;
    const community = `community:${cA}`;
    const before = { street: await stats('period=2026-11'), community: await stats(`period=2026-11&scope=${community}`), ranking: await ranking('period=2026-11&by=grid') };
    // (the month closed in the test before; P00001 was moved to 西墅社区 since)
    expect(before.street).toMatchObject({ houses: 40, approved: 3, submitted: 4, hazardsOpen: 1 });
    const openBefore = await stats('period=2026-12');
    expect(before.community.houses).toBe(20);
    const g = (await f.store.groups.findOne({ name: '平山村第1网格联防1组' }))!;
    const landlord = await f.store.landlords.insert({ name: '新房东', phone: '13900009999' });
    await f.store.houses.insert({ communityId: g.communityId, gridId: g.gridId, groupId: g.id, code: 'P09998', address: '平山村新路2号', landlordId: landlord.id, contactId: null, pendingContactId: null, tenants: 1, rooms: 1, isKey: false });
    const sub = (await f.store.submissions.findOne({ houseCode: 'S00011' }))!;
    await f.store.submissions.update(sub.id, { status: 'approved' });
    const hazard = (await f.store.hazards.findOne({ number: 2901 }))!;
    await f.store.hazards.update(hazard.id, { status: 'closed', closedAt: new Date(), closedBy: 'user:reviewer' });
    expect(await stats('period=2026-11')).toEqual(before.street);
    expect(await stats(`period=2026-11&scope=${community}`)).toEqual(before.community);
    expect(await ranking('period=2026-11&by=grid')).toEqual(before.ranking);
    // the open month counts today's houses
    expect(await stats('period=2026-12')).toMatchObject({ houses: openBefore.houses + 1, hazardsOpen: openBefore.hazardsOpen - 1 });
  });
});
