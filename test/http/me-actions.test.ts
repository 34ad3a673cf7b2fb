/**
 * Issue 24: `GET /me` says what the caller may do (the policy's actions allowed somewhere in
 * their scope), so the dashboard offers its pages and buttons from the one policy instead of
 * a copy of it in Vue. The expected lists are written out here from SPEC §6 (staff do the
 * campaign's work; street-wide-only actions need a street scope; heads read; admins also
 * manage users and point rules), not derived from src/domain/policy.ts, so the two check
 * each other; then every list is held against what the API itself answers on its GET routes.
 */
import request from 'supertest';
import { auth, rosterAppFixture } from '../support/app-fixture';

type Fixture = Awaited<ReturnType<typeof rosterAppFixture>>;

const READ = ['self:read', 'records:read', 'stats:read', 'rounds:read', 'submissions:read', 'photos:read', 'hazards:read', 'points:read'];
/** staff anywhere: the campaign's work in their part of the street */
const STAFF = [
  ...READ, 'records:edit', 'phones:read', 'audit:read', 'rounds:open', 'rounds:remind', 'submissions:review', 'broadcasts:read', 'broadcasts:send',
  'schedules:read', 'bindcodes:issue', 'hazards:open', 'hazards:close', 'tips:read', 'tips:review', 'houses:confirm', 'group:settings',
];
/** what changes the whole street: street-wide staff only */
const STREET_STAFF = [...STAFF, 'letters:publish', 'schedules:edit', 'roster:import', 'simulator:use'];
/** the bot's page shows its login QR code (whoever scans it owns the account): street admins only (issue 30) */
const ADMIN = [...STREET_STAFF, 'users:manage', 'points:rules', 'bot:read'];

type Caller = 'admin' | 'street staff' | 'community staff' | 'grid staff' | 'head';
const EXPECTED: Record<Caller, string[]> = {
  admin: ADMIN,
  'street staff': STREET_STAFF,
  'community staff': STAFF,
  'grid staff': STAFF,
  // a head reviews, reminds and opens hazards in their group's WeChat room, never through a token
  head: READ,
};

describe('GET /me: the caller\'s allowed actions (issue 24)', () => {
  let f: Fixture;
  const tokens = {} as Record<Caller, string>;
  beforeAll(async () => {
    f = await rosterAppFixture();
    const community = (await f.store.communities.findOne({ name: '平山村' }))!;
    const group = (await f.store.groups.findOne({ communityId: community.id }))!;
    tokens.admin = f.adminToken;
    tokens['street staff'] = await f.userToken('staff', 'street');
    tokens['community staff'] = await f.userToken('staff', `community:${community.id}`);
    tokens['grid staff'] = await f.userToken('staff', `grid:${group.gridId}`);
    tokens.head = await f.userToken('head', `group:${group.id}`);
  });
  afterAll(() => f.close());

  it.each(Object.keys(EXPECTED) as Caller[])('%s: the actions SPEC §6 gives them, each once', async (caller) => {
    const me = (await request(f.server).get('/api/v1/me').set(auth(tokens[caller])).expect(200)).body as { actions: string[] };
    expect(new Set(me.actions).size).toBe(me.actions.length);
    expect([...me.actions].sort()).toEqual([...EXPECTED[caller]].sort());
  });

  it.each(Object.keys(EXPECTED) as Caller[])('%s: a GET route whose action /me leaves out answers 403, one it lists does not', async (caller) => {
    const { actions } = (await request(f.server).get('/api/v1/me').set(auth(tokens[caller])).expect(200)).body as { actions: string[] };
    // the routes that need no id: their answer in the caller's own scope
    const gets = f.routes.filter((r) => r.method === 'get' && !r.path.includes(':'));
    expect(gets.length).toBeGreaterThan(15);
    const wrong: string[] = [];
    for (const r of gets) {
      const status = (await request(f.server).get(r.path).set(auth(tokens[caller]))).status;
      if ((status === 403) === actions.includes(r.action)) wrong.push(`${r.path} (${r.action}): ${status}`);
    }
    expect(wrong).toEqual([]);
  });
});
