/**
 * Issue 30, item 3: errors for a scoped caller say nothing about records outside their scope —
 * an ambiguous scope name lists only the readings the caller knows (no foreign ids), a place
 * elsewhere answers as one that does not exist, and a landlord's phone taken by another landlord
 * is refused without confirming whose it is, or that anyone has it. (The route × role × scope
 * matrix, permission-matrix.test.ts, compares every out-of-scope refusal with the answer for a
 * record that does not exist.)
 */
import request from 'supertest';
import { auth, rosterAppFixture } from '../support/app-fixture';

type Fixture = Awaited<ReturnType<typeof rosterAppFixture>>;
let f: Fixture;
let A: { c: string; grids: { id: string }[] };
let B: { c: string; grid: { id: string } };
const shared = '共用组';
const ids: { a: string[]; b: string } = { a: [], b: '' };
let staffA: string;
let gridA: string;
let street: string;

beforeAll(async () => {
  f = await rosterAppFixture();
  const s = f.store;
  const [cA, cB] = [(await s.communities.findOne({ name: '平山村' }))!, (await s.communities.findOne({ name: '西墅社区' }))!];
  A = { c: cA.id, grids: await s.grids.find({ communityId: cA.id }, { sort: { name: 1 } }) };
  B = { c: cB.id, grid: (await s.grids.findOne({ communityId: cB.id }))! };
  // a group name used twice in A (two grids) and once in B
  for (const g of A.grids)
    ids.a.push((await s.groups.insert({ communityId: A.c, gridId: g.id, name: shared, headHouseId: null, roomId: null, locale: null, botId: null })).id);
  ids.b = (await s.groups.insert({ communityId: B.c, gridId: B.grid.id, name: shared, headHouseId: null, roomId: null, locale: null, botId: null })).id;
  staffA = await f.userToken('staff', `community:${A.c}`);
  gridA = await f.userToken('staff', `grid:${A.grids[0]!.id}`);
  street = await f.userToken('staff', 'street');
});
afterAll(() => f.close());

describe('scope names for a scoped caller (issue 30, item 3)', () => {
  it('an ambiguous name lists only the readings in the caller\'s scope, never another community\'s id', async () => {
    const r = await request(f.server).get('/api/v1/houses').query({ scope: shared }).set(auth(staffA)).expect(422);
    expect(r.body.error.code).toBe('scope_ambiguous');
    const text = JSON.stringify(r.body);
    expect(text).not.toContain(ids.b);
    expect(text).not.toContain(B.c);
    expect(text).not.toContain(B.grid.id);
    for (const id of ids.a) expect(text).toContain(id);
    expect(r.body.error.details.choices).toHaveLength(2);
    // street-wide staff are told of all three
    const all = await request(f.server).get('/api/v1/houses').query({ scope: shared }).set(auth(street)).expect(422);
    expect(all.body.error.details.choices.map((c: { scope: string }) => c.scope).sort()).toEqual([...ids.a, ids.b].map((id) => `group:${id}`).sort());
  });

  it('a name only one reading of which the caller knows is that one, not a refusal naming the others', async () => {
    const r = await request(f.server).get('/api/v1/houses').query({ scope: `group:${shared}` }).set(auth(gridA)).expect(200);
    expect(r.body.items).toEqual([]);
    expect(JSON.stringify(r.body)).not.toContain(ids.b);
  });

  it('a place elsewhere answers as one that does not exist: by id, by name, and by a typed level', async () => {
    const asked = [
      [`community:${B.c}`, 'community:NOSUCHPLACE0000'],
      ['西墅社区', '东墅社区'],
      ['grid:西墅社区第1网格', 'grid:西墅社区第9网格'],
      [`group:${ids.b}`, 'group:nosuchgroup123'],
    ];
    for (const [elsewhere, nowhere] of asked) {
      const a = await request(f.server).get('/api/v1/houses').query({ scope: elsewhere }).set(auth(staffA)).set('Accept-Language', 'en');
      const b = await request(f.server).get('/api/v1/houses').query({ scope: nowhere }).set(auth(staffA)).set('Accept-Language', 'en');
      expect({ scope: elsewhere, status: a.status, body: a.body }).toEqual({ scope: elsewhere, status: b.status, body: b.body });
      expect(a.status).toBe(403);
    }
    // street-wide: an unknown name is simply not found
    await request(f.server).get('/api/v1/houses').query({ scope: '东墅社区' }).set(auth(street)).expect(404);
  });
});

describe("a landlord's phone (issue 30, item 3)", () => {
  it('a phone another landlord has is refused without confirming whose it is, or that anyone has it', async () => {
    const houseA = (await f.store.houses.findOne({ communityId: A.c }))!;
    const houseB = (await f.store.houses.findOne({ communityId: B.c }))!;
    const landlordA = (await f.store.landlords.get(houseA.landlordId))!;
    const phoneB = (await f.store.landlords.get(houseB.landlordId))!.phone;
    for (const [token, lng] of [[staffA, 'zh-CN'], [staffA, 'en'], [street, 'zh-CN']] as const) {
      const r = await request(f.server)
        .patch(`/api/v1/landlords/${landlordA.id}`)
        .set(auth(token))
        .set('Accept-Language', lng)
        .send({ phone: phoneB })
        .expect(409);
      expect(r.body.error.code).toBe('phone_unavailable');
      const text = JSON.stringify(r.body);
      expect(text).not.toContain(phoneB);
      expect(text).not.toContain(houseB.landlordId);
      expect(text).not.toMatch(/另一|其他房东|已有|已存在|already|another|exists/i);
    }
    expect((await f.store.landlords.get(landlordA.id))!.phone).toBe(landlordA.phone);
    // a free number is taken
    await request(f.server).patch(`/api/v1/landlords/${landlordA.id}`).set(auth(staffA)).send({ phone: '13900009999' }).expect(200);
    expect((await f.store.landlords.get(landlordA.id))!.phone).toBe('13900009999');
  });
});
