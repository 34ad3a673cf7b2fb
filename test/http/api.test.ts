import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import request from 'supertest';
import { appFixture, rosterAppFixture } from '../support/app-fixture';
import { sampleRosterBytes } from '../support/fixtures';

type Fixture = Awaited<ReturnType<typeof appFixture>>;
let f: Fixture;
/** Each test of the block gets its own app from `make`: an empty one, or one with the sample roster imported. */
function eachTest(make: () => Promise<Fixture>) {
  beforeEach(async () => { f = await make(); });
  afterEach(async () => { await f.close(); });
}

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const importFile = (bytes: Buffer, name = 'roster.csv', token = f.adminToken) =>
  request(f.server).post('/api/v1/import/roster').set(auth(token)).attach('file', bytes, name);
const stats = async (scope = 'street') => (await request(f.server).get(`/api/v1/stats?scope=${scope}`).set(auth(f.adminToken)).expect(200)).body;

describe('health and documents', () => {
  eachTest(appFixture);
  it('GET /healthz answers without a token', async () => {
    const r = await request(f.server).get('/healthz').expect(200);
    expect(r.body).toEqual({ ok: true, storage: 'sqlite', puppet: 'wechaty-puppet-mock', loggedIn: true, demo: true });
  });
  it('GET /api/v1/openapi.json describes the routes', async () => {
    const r = await request(f.server).get('/api/v1/openapi.json').expect(200);
    expect(r.body.openapi).toBe('3.1.0');
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/api/v1/houses', '/api/v1/houses/{id}', '/api/v1/stats', '/api/v1/import/roster']));
    expect(r.body.paths['/api/v1/houses'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['limit', 'offset', 'scope', 'code']));
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/api/v1/rounds', '/api/v1/broadcasts', '/api/v1/schedules/{id}', '/api/v1/sim/messages', '/api/v1/photos/{id}']));
    // request bodies come from the schemas the routes validate with
    expect(r.body.paths['/api/v1/rounds'].post.requestBody.content['application/json'].schema.required).toEqual(['period', 'deadline']);
  });
  it('an unknown route is a JSON 404', async () => {
    const r = await request(f.server).get('/api/v1/nothing-here').set(auth(f.adminToken)).expect(404);
    expect(r.body.error.code).toBe('not_found');
  });
});

describe('auth and hostile input', () => {
  eachTest(appFixture);
  it('GET /api/v1/houses without a token is 401, with a bad one too', async () => {
    const r = await request(f.server).get('/api/v1/houses').expect(401);
    expect(r.body.error).toEqual({ code: 'unauthorized', message: expect.stringContaining('令牌') });
    await request(f.server).get('/api/v1/houses').set(auth('afd_not-a-real-token')).expect(401);
  });
  it('MongoDB operators in a query are refused with 400', async () => {
    for (const path of ['/api/v1/houses?code[$gt]=', '/api/v1/houses?$where=1', '/api/v1/landlords?name.$ne=x']) {
      const r = await request(f.server).get(path).set(auth(f.adminToken)).expect(400);
      expect(r.body.error.code).toBe('operator_refused');
    }
  });
  it('a method a route does not take is a JSON 405 naming what it takes', async () => {
    const r = await request(f.server).delete('/api/v1/stats').set(auth(f.adminToken)).expect(405);
    expect(r.body.error).toEqual({ code: 'method_not_allowed', message: expect.stringContaining('DELETE') });
    expect(r.headers.allow).toContain('GET');
  });
  it('bad paging and scopes are 400s with messages in the asked language', async () => {
    const r = await request(f.server).get('/api/v1/houses?limit=0').set(auth(f.adminToken)).set('Accept-Language', 'en-US').expect(400);
    expect(r.body.error).toMatchObject({ code: 'validation', message: expect.stringMatching(/^Invalid parameters: limit/) });
    const s = await request(f.server).get('/api/v1/houses?scope=house:1').set(auth(f.adminToken)).expect(400);
    expect(s.body.error.code).toBe('scope_invalid');
    await request(f.server).get('/api/v1/stats?period=2026-13').set(auth(f.adminToken)).expect(400);
    const missing = await request(f.server).get('/api/v1/houses?scope=group:nope').set(auth(f.adminToken)).expect(404);
    expect(missing.body.error.code).toBe('not_found');
  });
});

describe('roster import', () => {
  eachTest(appFixture);
  it('imports the sample roster; a second import changes nothing; stats count 40 houses and 16 key houses', async () => {
    const first = await importFile(sampleRosterBytes()).expect(200);
    expect(first.body).toEqual({ created: 40, updated: 0, unchanged: 0, errors: [], warnings: [] });
    const once = await stats();
    const second = await importFile(sampleRosterBytes()).expect(200);
    expect(second.body).toEqual({ created: 0, updated: 0, unchanged: 40, errors: [], warnings: [] });
    const twice = await stats();
    expect(twice).toEqual(once);
    expect(twice).toMatchObject({ houses: 40, keyHouses: 16, committed: 0, compliant: 0, letterVersion: 1 });
    const counts = async (r: string) => (await request(f.server).get(`/api/v1/${r}`).set(auth(f.adminToken)).expect(200)).body.total;
    expect([await counts('communities'), await counts('grids'), await counts('groups'), await counts('landlords')]).toEqual([2, 4, 4, 40]);
  });

  it('sets each group head and reports a changed row as updated', async () => {
    await importFile(sampleRosterBytes()).expect(200);
    const house = (await request(f.server).get('/api/v1/houses?code=P00003').set(auth(f.adminToken)).expect(200)).body.items[0];
    const group = (await request(f.server).get(`/api/v1/groups/${house.groupId}`).set(auth(f.adminToken)).expect(200)).body;
    expect(group.headHouseId).toBe(house.id);
    const changed = sampleRosterBytes().toString('utf8').replace('P00002,平山村竹林路124号,杨英敏,15900001013,15,10', 'P00002,平山村竹林路124号,杨英敏,15900001013,8,10');
    const r = await importFile(Buffer.from(changed)).expect(200);
    expect(r.body).toMatchObject({ created: 0, updated: 1, unchanged: 39 });
    expect((await stats()).keyHouses).toBe(15);
  });

  it('refuses a file with bad rows whole, naming every bad row', async () => {
    const lines = sampleRosterBytes().toString('utf8').trimEnd().split('\n');
    lines[4] = lines[4]!.replace('13900003374', '12345'); // row 5
    lines[10] = lines[10]!.replace(',4,5,', ',many,5,'); // row 11
    lines[12] = lines[3]!; // row 13 repeats row 4's house code
    const r = await importFile(Buffer.from(lines.join('\n'))).expect(422);
    expect(r.body).toMatchObject({ created: 0, updated: 0, error: { code: 'roster_rows' } });
    expect(r.body.errors.map((e: { row: number }) => e.row)).toEqual([5, 11, 13]);
    expect(r.body.errors[2].message).toMatch(/与第 4 行重复.*已在第 4 行设了户长/);
    expect((await stats()).houses).toBe(0);
  });

  it('reads XLSX with English headers (the same data: nothing changes)', async () => {
    await importFile(sampleRosterBytes()).expect(200);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('roster');
    const [, ...rows] = sampleRosterBytes().toString('utf8').trim().split('\n').map((l) => l.split(','));
    ws.addRow(['community', 'grid', 'group', 'house_code', 'address', 'landlord', 'phone', 'tenants', 'rooms', 'head']);
    for (const r of rows) ws.addRow([r[0], r[1], r[2], r[3], r[4], r[5], Number(r[6]), Number(r[7]), Number(r[8]), r[9] === '是' ? 'yes' : '']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await importFile(xlsx, 'roster.xlsx').expect(200);
    expect(r.body).toEqual({ created: 0, updated: 0, unchanged: 40, errors: [], warnings: [] });
  });

  it('reads a GB18030 CSV as saved by Chinese Excel', async () => {
    const gbk = iconv.encode(sampleRosterBytes().toString('utf8'), 'gb18030');
    const r = await importFile(gbk).expect(200);
    expect(r.body.created).toBe(40);
    const house = (await request(f.server).get('/api/v1/houses?code=P00001').set(auth(f.adminToken))).body.items[0];
    expect(house.address).toBe('平山村东港路25号');
  });

  it('answers clearly for a missing file, missing columns, an empty file and a non-roster', async () => {
    expect((await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).field('x', '1').expect(400)).body.error.code).toBe('validation');
    expect((await importFile(Buffer.from('社区,网格\n平山村,1\n')).expect(400)).body.error).toMatchObject({ code: 'roster_headers', message: expect.stringContaining('房屋编号') });
    expect((await importFile(Buffer.from('')).expect(400)).body.error.code).toBe('roster_empty');
    expect((await importFile(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'x.xlsx').expect(400)).body.error).toMatchObject({ code: 'roster_unreadable', message: expect.stringContaining('已损坏') });
  });

  it('is for admins and street staff only', async () => {
    const head = await f.userToken('head', 'street');
    await importFile(sampleRosterBytes(), 'r.csv', head).expect(403);
  });
});

describe('lists, scopes and roles', () => {
  // the sample roster as imported through the API: a copy of this file's one import of it (the import itself is tested above)
  eachTest(rosterAppFixture);
  const get = (path: string, token = f.adminToken) => request(f.server).get(path).set(auth(token));

  it('lists page with limit/offset and filter by scope', async () => {
    const page = (await get('/api/v1/houses?limit=15&offset=30').expect(200)).body;
    expect(page).toMatchObject({ total: 40, limit: 15, offset: 30 });
    expect(page.items).toHaveLength(10);
    const groups = (await get('/api/v1/groups').expect(200)).body.items;
    const big = groups.find((g: { name: string }) => g.name === '西墅社区第1网格联防1组');
    expect((await get(`/api/v1/houses?scope=group:${big.id}`).expect(200)).body.total).toBe(12);
    expect((await get(`/api/v1/landlords?scope=group:${big.id}`).expect(200)).body.total).toBe(12);
    expect((await get(`/api/v1/grids?scope=group:${big.id}`).expect(200)).body.items.map((g: { id: string }) => g.id)).toEqual([big.gridId]);
    expect((await get(`/api/v1/communities?scope=grid:${big.gridId}`).expect(200)).body.items.map((c: { name: string }) => c.name)).toEqual(['西墅社区']);
    expect((await get(`/api/v1/stats?scope=community:${big.communityId}`).expect(200)).body).toMatchObject({ houses: 20 });
  });

  it('a head sees only their group, with masked phones, and cannot widen the scope', async () => {
    const groups = (await get('/api/v1/groups').expect(200)).body.items;
    const [mine, other] = groups;
    const head = await f.userToken('head', `group:${mine.id}`);
    const houses = (await get('/api/v1/houses', head).expect(200)).body;
    expect(houses.total).toBe(10);
    expect(houses.items.every((h: { groupId: string }) => h.groupId === mine.id)).toBe(true);
    const landlords = (await get('/api/v1/landlords', head).expect(200)).body.items;
    expect(landlords[0].phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect((await get('/api/v1/houses?scope=street', head).expect(403)).body.error.code).toBe('forbidden');
    const outside = (await get(`/api/v1/houses?scope=group:${other.id}`).expect(200)).body.items[0];
    await get(`/api/v1/houses/${outside.id}`, head).expect(404);
    await get(`/api/v1/houses/${houses.items[0].id}`, head).expect(200);
  });

  it('issue 9 regression: a record of another scope does not exist by id, even when the scope filter is on id', async () => {
    const communities = (await get('/api/v1/communities').expect(200)).body.items as { id: string; name: string }[];
    const a = communities.find((c) => c.name === '平山村')!;
    const b = communities.find((c) => c.name !== '平山村')!;
    const staffA = await f.userToken('staff', `community:${a.id}`);
    const houseOfB = (await get(`/api/v1/houses?scope=community:${b.id}&limit=1`).expect(200)).body.items[0];
    const gridOfB = (await get(`/api/v1/grids?scope=community:${b.id}&limit=1`).expect(200)).body.items[0];
    const groupOfB = (await get(`/api/v1/groups?scope=community:${b.id}&limit=1`).expect(200)).body.items[0];
    // before the fix, `{...where, id}` replaced the scope filter: these answered 200 with the record (a phone among them)
    for (const path of [`landlords/${houseOfB.landlordId}`, `communities/${b.id}`, `grids/${gridOfB.id}`, `groups/${groupOfB.id}`, `houses/${houseOfB.id}`]) {
      const r = await get(`/api/v1/${path}`, staffA).expect(404);
      expect(JSON.stringify(r.body)).not.toContain(houseOfB.landlordId);
    }
    await get(`/api/v1/communities/${a.id}`, staffA).expect(200);
    const gridStaff = await f.userToken('staff', `grid:${gridOfB.id}`);
    await get(`/api/v1/grids/${gridOfB.id}`, gridStaff).expect(200);
    const otherGrid = (await get(`/api/v1/grids?scope=community:${a.id}&limit=1`).expect(200)).body.items[0];
    await get(`/api/v1/grids/${otherGrid.id}`, gridStaff).expect(404);
    const head = await f.userToken('head', `group:${groupOfB.id}`);
    const ownGroupOther = (await get(`/api/v1/groups?scope=community:${a.id}&limit=1`).expect(200)).body.items[0];
    await get(`/api/v1/groups/${ownGroupOther.id}`, head).expect(404);
    await get(`/api/v1/groups/${groupOfB.id}`, head).expect(200);
    // naming another community in a filter is refused, not quietly narrowed
    expect((await get(`/api/v1/houses?communityId=${b.id}`, staffA).expect(403)).body.error.code).toBe('forbidden');
    await get(`/api/v1/houses?communityId=${a.id}`, staffA).expect(200);
    // the same for a grid or group of B (these answered 200 with an empty list), and for an id that does not exist
    for (const q of [`gridId=${gridOfB.id}`, `groupId=${groupOfB.id}`, 'groupId=no-such-group']) {
      expect((await get(`/api/v1/houses?${q}`, staffA).expect(403)).body.error.code).toBe('forbidden');
    }
    expect((await get(`/api/v1/houses?groupId=${ownGroupOther.id}`, staffA).expect(200)).body.items.length).toBeGreaterThan(0);
    expect((await get('/api/v1/houses?groupId=no-such-group').expect(200)).body.items).toEqual([]);
    // lists that narrow by `scope=` only do not quietly ignore a filter they do not know (they answered the whole scope)
    for (const list of ['hazards', 'tips', 'submissions', 'audit', 'broadcasts', 'points']) {
      const r = await get(`/api/v1/${list}?groupId=${groupOfB.id}`, staffA).expect(400);
      expect(r.body.error).toMatchObject({ code: 'validation', message: expect.stringContaining('groupId') });
    }
    await get(`/api/v1/hazards?scope=group:${groupOfB.id}`, staffA).expect(403);
  });

  it('issue 9: broadcasts and rounds are listed and read within the caller\'s scope', async () => {
    const communities = (await get('/api/v1/communities').expect(200)).body.items as { id: string; name: string }[];
    const [a, b] = [communities.find((c) => c.name === '平山村')!, communities.find((c) => c.name !== '平山村')!];
    const toB = (await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken)).send({ text: '通知乙', scope: `community:${b.id}` }).expect(201)).body;
    const toA = (await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken)).send({ text: '通知甲', scope: `community:${a.id}` }).expect(201)).body;
    const staffA = await f.userToken('staff', `community:${a.id}`);
    expect((await get('/api/v1/broadcasts', staffA).expect(200)).body.items.map((x: { id: string }) => x.id)).toEqual([toA.id]);
    await get(`/api/v1/broadcasts/${toB.id}`, staffA).expect(404);
    await get(`/api/v1/broadcasts/${toA.id}`, staffA).expect(200);
    const roundB = (await request(f.server).post('/api/v1/rounds').set(auth(f.adminToken)).send({ period: '2026-11', deadline: '2026-11-20', scope: `community:${b.id}` }).expect(201)).body;
    expect((await get('/api/v1/rounds', staffA).expect(200)).body.total).toBe(0);
    await request(f.server).post(`/api/v1/rounds/${roundB.id}/remind`).set(auth(staffA)).expect(404);
    expect((await get('/api/v1/rounds').expect(200)).body.total).toBe(1);
  });

  it('lists the schedules that run for the caller\'s place: theirs and the street\'s, not another community\'s', async () => {
    const communities = (await get('/api/v1/communities').expect(200)).body.items as { id: string; name: string }[];
    const [a, b] = [communities.find((c) => c.name === '平山村')!, communities.find((c) => c.name !== '平山村')!];
    const make = (name: string, scope: string) => request(f.server).post('/api/v1/schedules').set(auth(f.adminToken)).send({ name, cron: '0 9 * * 1', action: 'monthly_tip', scope }).expect(201);
    await make('tips-a', `community:${a.id}`);
    await make('tips-b', `community:${b.id}`);
    const all = (await get('/api/v1/schedules').expect(200)).body.items as { name: string; scope: string }[];
    expect(all.map((x) => x.name)).toEqual(expect.arrayContaining(['tips-a', 'tips-b']));
    const staffA = await f.userToken('staff', `community:${a.id}`);
    const mine = (await get('/api/v1/schedules', staffA).expect(200)).body.items as { name: string; scope: string }[];
    expect(mine.map((x) => x.name)).toContain('tips-a');
    expect(mine.map((x) => x.name)).not.toContain('tips-b');
    // the street's own schedules run for every community: they are listed too
    expect(mine.filter((x) => x.scope === 'street').length).toBe(all.filter((x) => x.scope === 'street').length);
    expect(mine.length).toBe(all.length - 1);
    // a scope by name, as everywhere else, is stored by id
    const byName = (await make('tips-by-name', 'community:平山村')).body;
    expect(byName.scope).toBe(`community:${a.id}`);
    // the list pages like the others, takes `scope` (refused outside the caller's) and refuses what it does not know
    expect((await get(`/api/v1/schedules?scope=community:${b.id}`, staffA).expect(403)).body.error.code).toBe('forbidden');
    expect((await get('/api/v1/schedules?bogus=1').expect(400)).body.error.message).toContain('bogus');
    expect(await get('/api/v1/schedules?limit=1&offset=1').expect(200).then((r) => [r.body.items.length, r.body.total])).toEqual([1, all.length + 1]);
    expect((await get(`/api/v1/schedules?scope=community:${b.id}`).expect(200)).body.items.map((x: { name: string }) => x.name)).toEqual(expect.arrayContaining(['tips-b']));
  });

  it('get answers 404 for unknown or malformed ids', async () => {
    await get('/api/v1/houses/unknown').expect(404);
    await get('/api/v1/communities/%24gt').expect(404);
  });
});

describe('GET /api/v1/bot (issue 13)', () => {
  it('tells staff whether the bot is logged in, and never gives the QR to a head', async () => {
    const f = await appFixture();
    try {
      const r = await request(f.server).get('/api/v1/bot').set('Authorization', `Bearer ${f.adminToken}`).expect(200);
      expect(r.body).toEqual({
        loggedIn: true, puppet: 'wechaty-puppet-mock',
        // issue 28: the account's health, and which other channels are set up (never a key or a URL)
        health: expect.objectContaining({ state: 'ok', loggedIn: true, recentFailures: 0, backlog: { due: 0, oldestDueAt: null } }),
        backlogs: [],
        channels: { staffWebhook: { configured: false, kind: null }, sms: { provider: null, fallbackAfterMinutes: 0 } },
      });
      const head = await f.userToken('head', 'street');
      await request(f.server).get('/api/v1/bot').set('Authorization', `Bearer ${head}`).expect(403);
      await request(f.server).get('/api/v1/bot').expect(401);
    } finally { await f.close(); }
  });
});
