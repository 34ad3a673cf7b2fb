/**
 * Issue 26, the register (台账) through the API: houses with their landlord, places by name and
 * this month's state; searched by code, name, address or phone digits (phone digits only for
 * those who may read phones), filtered by status, paged by `next`, exported as filtered.
 */
import ExcelJS from 'exceljs';
import request from 'supertest';
import { auth, binary, rosterAppFixture } from '../support/app-fixture';

type Fixture = Awaited<ReturnType<typeof rosterAppFixture>>;
type Row = { code: string; community: string; grid: string; group: string; landlordName: string; landlordPhone: string; committed: boolean; registered: boolean; bound: boolean; submission: string | null };

describe('the register (issue 26, item 3)', () => {
  let f: Fixture;
  let head: string;
  const get = async (token: string, q: string, status = 200) => (await request(f.server).get(`/api/v1/register?period=2026-11&${q}`).set(auth(token)).expect(status)).body;
  const codes = (b: { items: Row[] }) => b.items.map((r) => r.code);

  beforeAll(async () => {
    f = await rosterAppFixture();
    const group = (await f.store.groups.findOne({ name: '平山村第1网格联防1组' }))!;
    await f.store.groups.update(group.id, { roomId: 'room-1@chatroom' });
    head = await f.userToken('head', `group:${group.id}`);
    const letter = await f.store.letters.findOne({}, { version: -1 });
    for (const code of ['P00001', 'P00002']) {
      const h = (await f.store.houses.findOne({ code }))!;
      const c = await f.store.contacts.insert({ wechatId: `wx-${code}`, name: code, landlordId: h.landlordId, userId: null, locale: null });
      await f.store.houses.update(h.id, { contactId: c.id });
      await f.store.commitments.insert({ communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, houseId: h.id, houseCode: code, letterVersion: letter?.version ?? 1, landlordId: h.landlordId, contactId: c.id, messageId: null, at: new Date() });
    }
  });
  afterAll(() => f.close());

  it('lists the street\'s houses in code order with places by name; pages by next add up to the whole list', async () => {
    const all = await get(f.adminToken, 'limit=200');
    expect(all.items).toHaveLength(40);
    expect(all.next).toBeNull();
    expect(codes(all)).toEqual([...codes(all)].sort());
    const p1 = all.items.find((r: Row) => r.code === 'P00001')!;
    expect(p1).toMatchObject({ community: '平山村', grid: '平山村第1网格', group: '平山村第1网格联防1组', committed: true, registered: true, bound: true });
    expect(p1.landlordPhone).toMatch(/^1\d{10}$/); // the admin may read phones
    const paged: string[] = [];
    for (let next: string | null = null, n = 0; n === 0 || next; n += 1) {
      const page: { items: Row[]; next: string | null } = await get(f.adminToken, `limit=7${next ? `&after=${next}` : ''}`);
      paged.push(...codes(page));
      next = page.next;
    }
    expect(paged).toEqual(codes(all));
  });

  it('searches a code\'s start, a landlord\'s name, an address; phone digits only for those who may read phones', async () => {
    expect(codes(await get(f.adminToken, 'q=p0000'))).toEqual(['P00001', 'P00002', 'P00003', 'P00004', 'P00005', 'P00006', 'P00007', 'P00008', 'P00009']);
    expect(codes(await get(f.adminToken, 'q=P00023'))).toEqual(['P00023']); // (a range of codes, read from its start)
    expect(codes(await get(f.adminToken, 'q=S0001'))).toEqual(['S00011', 'S00012', 'S00013', 'S00014', 'S00015', 'S00016', 'S00017', 'S00018', 'S00019']);
    const p1 = (await get(f.adminToken, 'q=P00001')).items[0] as Row;
    expect(codes(await get(f.adminToken, `q=${encodeURIComponent(p1.landlordName)}`))).toContain('P00001');
    expect(codes(await get(f.adminToken, `q=${encodeURIComponent('东港路25号')}`))).toEqual(['P00001']);
    const tail = p1.landlordPhone.slice(-7); // (the middle digits a masked phone hides)
    expect(codes(await get(f.adminToken, `q=${tail}`))).toEqual(['P00001']);
    // a head sees the phone masked, and a search by its digits finds nothing by the phone
    const mine = await get(head, 'limit=50');
    expect(mine.items).toHaveLength(10);
    expect(mine.items.every((r: Row) => /^1\d{2}\*{4}\d{4}$/.test(r.landlordPhone))).toBe(true);
    expect(codes(await get(head, `q=${tail}`))).toEqual([]);
  });

  it('filters by status: not committed, not registered, group not bound', async () => {
    const uncommitted = codes(await get(f.adminToken, 'limit=200&status=uncommitted'));
    expect(uncommitted).toHaveLength(38);
    expect(uncommitted).not.toContain('P00001');
    expect(codes(await get(head, 'status=unregistered'))).toHaveLength(8);
    const unbound = codes(await get(f.adminToken, 'limit=200&status=unbound'));
    expect(unbound).toHaveLength(30);
    expect(unbound.some((c) => /^P0000\d$|^P00010$/.test(c))).toBe(false);
  });

  it('refuses what it does not know, and a scope outside the caller\'s', async () => {
    expect((await get(f.adminToken, 'status=late', 400)).error.code).toBe('validation');
    expect((await get(f.adminToken, 'groupId=x', 400)).error.code).toBe('validation');
    const other = (await f.store.communities.findOne({ name: '西墅社区' }))!;
    const res = await request(f.server).get(`/api/v1/register?scope=community:${other.id}`).set(auth(head));
    expect([403, 404]).toContain(res.status);
    expect(res.body.error.code).toBeDefined();
  });

  it('exports the register as filtered: a workbook that opens, phones masked for a head', async () => {
    const res = await request(f.server).get('/api/v1/register.xlsx?period=2026-11&status=uncommitted').set(auth(head)).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.body as never);
    const sheet = book.worksheets[0]!;
    expect(sheet.name).toBe('台账');
    const rows = sheet.getSheetValues().slice(1).map((r) => (r as unknown[]).slice(1));
    expect(rows[0]!.slice(0, 2)).toEqual(['房屋编号', '地址']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['P00003', 'P00004', 'P00005', 'P00006', 'P00007', 'P00008', 'P00009', 'P00010']);
    expect(rows.slice(1).every((r) => /^1\d{2}\*{4}\d{4}$/.test(String(r[6])))).toBe(true);
  });
  it('each status, alone and with a word, gives exactly the rows of the whole register that have it (statuses are read first, figures counted for the candidates)', async () => {
    const house = async (code: string) => (await f.store.houses.findOne({ code }))!;
    const at = (h: Awaited<ReturnType<typeof house>>) => ({ communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, houseId: h.id, houseCode: h.code });
    const round = await f.store.rounds.insert({ period: '2026-11', deadline: new Date('2026-11-30T00:00:00Z'), scope: 'street', status: 'open', openedAt: new Date('2026-11-01T00:00:00Z') });
    const sub = (h: Awaited<ReturnType<typeof house>>, status: 'approved' | 'complete' | 'partial' | 'returned', updatedAt: string) =>
      f.store.submissions.insert({ ...at(h), roundId: round.id, period: '2026-11', status, items: {}, returnReason: null, reviewedBy: null, reviewedAt: null, createdAt: new Date(updatedAt) } as never);
    const [p3, p4, p5, p6] = await Promise.all(['P00003', 'P00004', 'P00005', 'P00006'].map(house));
    await sub(p3!, 'approved', '2026-11-02T00:00:00Z');
    await sub(p4!, 'returned', '2026-11-02T00:00:00Z');
    await sub(p5!, 'complete', '2026-11-03T00:00:00Z');
    // a commitment on paper (no contact) counts; one by a holder who left does not
    const letter = await f.store.letters.findOne({}, { version: -1 });
    await f.store.commitments.insert({ ...at(p5!), letterVersion: letter?.version ?? 1, landlordId: p5!.landlordId, contactId: null, messageId: null, at: new Date() });
    await f.store.commitments.insert({ ...at(p6!), letterVersion: letter?.version ?? 1, landlordId: p6!.landlordId, contactId: 'gone', messageId: null, at: new Date() });
    await f.store.hazards.insert({ ...at(p6!), number: 1, description: '楼道堆放杂物', openedBy: 'user:t', evidencePhotoIds: [], sitePhotos: null, rectifiedAt: null, closedAt: null, closedBy: null, deadline: new Date('2020-01-01T00:00:00Z'), status: 'open' } as never);
    const all = (await get(f.adminToken, 'limit=200')).items as (Row & { hazardsOverdue: number })[];
    const has: Record<string, (r: (typeof all)[number]) => boolean> = {
      uncommitted: (r) => !r.committed,
      uninspected: (r) => r.submission !== 'complete' && r.submission !== 'approved',
      returned: (r) => r.submission === 'returned',
      overdue: (r) => r.hazardsOverdue > 0,
      unregistered: (r) => !r.registered,
      unbound: (r) => !r.bound,
    };
    expect(all.filter(has.returned!).map((r) => r.code)).toEqual(['P00004']);
    expect(all.filter(has.overdue!).map((r) => r.code)).toEqual(['P00006']);
    expect(all.find((r) => r.code === 'P00005')!.committed).toBe(true);
    expect(all.find((r) => r.code === 'P00006')!.committed).toBe(false);
    for (const [status, test] of Object.entries(has)) {
      expect([status, codes(await get(f.adminToken, `limit=200&status=${status}`))]).toEqual([status, all.filter(test).map((r) => r.code)]);
      // with a word (an address's street): the rows that have both
      expect([status, codes(await get(f.adminToken, `limit=200&status=${status}&q=${encodeURIComponent('东港路')}`))]).toEqual([
        status,
        all.filter((r) => test(r) && (r as unknown as { address: string }).address.includes('东港路')).map((r) => r.code),
      ]);
    }
  });
});
