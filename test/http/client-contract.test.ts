/**
 * Issue 15, acceptance 2: the typed client (generated from openapi.json) calls every operation
 * of the contract against the demo app — the app as `npm start` composes it in demo mode, over
 * real SQLite, with the seeded demo street and the simulator — and every answer it gets
 * (successes and the expected errors) is checked against what the contract declares for that
 * operation and status: the status is declared, the media type is declared, a JSON body
 * validates with ajv against the declared schema, a workbook opens with exceljs, an image is an
 * image. The list of operations is read from the app's openapi.json and its route table, so a
 * route added without a call here fails the last test.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Middleware } from 'openapi-fetch';
import { rosterCsv } from '../../scripts/bench/generate-roster';
import { apiClient, multipart, type ApiClient } from '../../src/api-client';
import { loadConfig } from '../../src/config';
import { EXAMPLES } from '../../src/http/openapi-examples';
import { openApiPath } from '../../src/http/route-table';
import { start, type Running } from '../../src/main';
import { silentLog, tempDir } from '../support/fixtures';
import { seededJpeg } from '../support/images';
import { until } from '../support/sim-client';

type Responses = Record<string, { content?: Record<string, { schema?: object }> }>;
type Operation = { responses: Responses; security?: unknown[]; parameters?: unknown[]; requestBody?: unknown };
type Doc = { components: object; paths: Record<string, Record<string, Operation>> };
const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8,
  'image/png': (b) => b.subarray(1, 4).toString('latin1') === 'PNG',
  'image/webp': (b) => b.subarray(8, 12).toString('latin1') === 'WEBP',
  'image/heic': (b) => b.subarray(4, 8).toString('latin1') === 'ftyp',
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
};

let tmp: ReturnType<typeof tempDir>;
let running: Running;
let base: string;
let doc: Doc;
/** every operation of the contract, `method path` in OpenAPI spelling */
let OPS: string[];
/** what each operation answered through the client: status → times */
const seen = new Map<string, Map<number, number>>();
/** answers that differ from the contract */
const problems: string[] = [];
let admin: ApiClient;

/** Checks one answer against what the contract declares for its operation and status; null when it conforms. */
function contract(d: Doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'https://anxin.local/openapi.json', components: d.components });
  const compiled = new Map<object, ReturnType<typeof ajv.compile>>();
  const validator = (schema: object) => {
    if (!compiled.has(schema)) compiled.set(schema, ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components/g, '"https://anxin.local/openapi.json#/components'))));
    return compiled.get(schema)!;
  };
  return async (op: string, res: Response): Promise<string | null> => {
    const [m, p] = op.split(' ') as [string, string];
    const declared = d.paths[p]?.[m]?.responses[String(res.status)];
    if (!declared) return `status ${res.status} is not declared`;
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const bytes = Buffer.from(await res.arrayBuffer());
    if (!declared.content) return bytes.length === 0 ? null : `answers ${type} (${bytes.length} bytes); the contract declares no body`;
    const media = declared.content[type];
    if (!media) return `answers ${type || 'nothing'}; the contract declares ${Object.keys(declared.content).join(', ')}`;
    if (!media.schema) return `no schema is declared for ${type}`;
    if (type === 'application/json') {
      const validate = validator(media.schema);
      return validate(JSON.parse(bytes.toString('utf8'))) ? null : ajv.errorsText(validate.errors);
    }
    if (bytes.length === 0) return `an empty ${type}`;
    if (type === XLSX) return new ExcelJS.Workbook().xlsx.load(bytes as unknown as ArrayBuffer).then(() => null, (e: Error) => `not a workbook: ${e.message}`);
    if (MAGIC[type] && !MAGIC[type](bytes)) return `not a ${type}`;
    if (type.startsWith('text/') && !bytes.toString('utf8').includes('\n')) return `not ${type} lines`;
    return null;
  };
}

/** Records and checks every answer the client gets. */
const recorder = (conforms: ReturnType<typeof contract>): Middleware => ({
  async onResponse({ request, response, schemaPath }) {
    const op = `${request.method.toLowerCase()} ${schemaPath}`;
    const statuses = seen.get(op) ?? new Map<number, number>();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    seen.set(op, statuses);
    const problem = await conforms(op, response.clone());
    if (problem) problems.push(`${op} → ${response.status}: ${problem}`);
  },
});
let conforms: ReturnType<typeof contract>;
/** a client whose every answer is recorded and checked */
const client = (o: Parameters<typeof apiClient>[1] = {}) => {
  const c = apiClient(base, o);
  c.use(recorder(conforms));
  return c;
};

beforeAll(async () => {
  tmp = tempDir('h15-contract-');
  running = await start(loadConfig({ DATA_DIR: tmp.dir, PORT: '0', HOST: '127.0.0.1', SEND_INTERVAL_MS: '0' }), silentLog);
  base = `http://127.0.0.1:${(running.server.address() as AddressInfo).port}`;
  const plain = await apiClient(base).GET('/api/v1/openapi.json');
  doc = plain.data as unknown as Doc;
  OPS = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).filter((m) => METHODS.has(m)).map((m) => `${m} ${p}`));
  conforms = contract(doc);
  admin = client({ token: readFileSync(path.join(tmp.dir, 'admin-token'), 'utf8').trim() });
}, 180_000);
afterAll(async () => { await running?.stop(); tmp?.cleanup(); });

describe('the typed client against the demo app (issue 15)', () => {
  it('the contract is the route table: the operations to call are every route the app serves, and the two open ones', () => {
    const served = running.routes.map((r) => `${r.method} ${openApiPath('', r.path)}`);
    expect(served.length).toBeGreaterThan(60);
    expect(served.filter((op) => !OPS.includes(op))).toEqual([]);
    // (and signing in to the dashboard, issue 26: before there is a caller)
    expect(OPS.filter((op) => !served.includes(op)).sort()).toEqual(['get /api/v1/openapi.json', 'get /api/v1/session', 'get /healthz', 'post /api/v1/session']);
  });

  // the demo street's records, found through the client
  let community: { id: string; name: string };
  let grid: { id: string };
  let group: { id: string; name: string };
  let house: { id: string; code: string; landlordId: string; groupId: string };

  it('open operations, and the demo street: communities, grids, groups, houses, landlords', async () => {
    const anon = client();
    expect((await anon.GET('/healthz')).data).toMatchObject({ ok: true, demo: true });
    expect((await anon.GET('/api/v1/openapi.json')).data!.openapi).toMatch(/^3\.1/);

    const communities = await admin.GET('/api/v1/communities', { params: { query: { limit: 10 } } });
    expect(communities.data!.items.map((c) => c.name).sort()).toEqual(['东湖社区', '平山村', '西墅社区'].sort());
    community = communities.data!.items.find((c) => c.name === '平山村')!;
    expect((await admin.GET('/api/v1/communities/{id}', { params: { path: { id: community.id } } })).data!.name).toBe('平山村');
    const grids = await admin.GET('/api/v1/grids', { params: { query: { scope: `community:${community.id}` } } });
    expect(grids.data!.items).toHaveLength(2);
    grid = grids.data!.items[0]!;
    expect((await admin.GET('/api/v1/grids/{id}', { params: { path: { id: grid.id } } })).data!.communityId).toBe(community.id);
    const groups = await admin.GET('/api/v1/groups', { params: { query: { scope: `grid:${grid.id}` } } });
    expect(groups.data!.items).toHaveLength(2);
    group = groups.data!.items[0]!;
    expect((await admin.GET('/api/v1/groups/{id}', { params: { path: { id: group.id } } })).data!.gridId).toBe(grid.id);
    const houses = await admin.GET('/api/v1/houses', { params: { query: { scope: `group:${group.id}`, limit: 5, total: '1' } } });
    expect(houses.data!.total).toBe(10);
    expect(houses.data!.items[0]!.code).toMatch(/^PD\d{4}$/);
    house = houses.data!.items[0]!;
    const next = await admin.GET('/api/v1/houses', { params: { query: { scope: `group:${group.id}`, limit: 5, after: houses.data!.next! } } });
    expect(next.data!.items.map((h) => h.id)).not.toContain(house.id);
    expect((await admin.GET('/api/v1/houses/{id}', { params: { path: { id: house.id } } })).data!.code).toBe(house.code);
    expect((await admin.PATCH('/api/v1/houses/{id}', { params: { path: { id: house.id } }, body: { address: '平山村东港路26号' } })).data!.address).toBe('平山村东港路26号');
    expect((await admin.GET('/api/v1/landlords', { params: { query: { limit: 3 } } })).data!.items).toHaveLength(3);
    expect((await admin.GET('/api/v1/landlords', { params: { query: { watch: '1' } } })).response.status).toBe(200);
    const landlord = await admin.GET('/api/v1/landlords/{id}', { params: { path: { id: house.landlordId } } });
    expect(landlord.data!.phone).toMatch(/^1700000\d{4}$/);
    expect((await admin.PATCH('/api/v1/landlords/{id}', { params: { path: { id: house.landlordId } }, body: { name: landlord.data!.name } })).response.status).toBe(200);
    expect((await admin.PATCH('/api/v1/groups/{id}', { params: { path: { id: group.id } }, body: { name: group.name } })).response.status).toBe(200);
    expect((await admin.PATCH('/api/v1/grids/{id}', { params: { path: { id: grid.id } }, body: { name: `${community.name}第1网格` } })).response.status).toBe(200);
    expect((await admin.PATCH('/api/v1/communities/{id}', { params: { path: { id: community.id } }, body: { name: community.name } })).response.status).toBe(200);
    // a community with houses under it is not removed
    const full = await admin.DELETE('/api/v1/communities/{id}', { params: { path: { id: community.id } } });
    expect(full.response.status).toBe(409);
    expect(full.error!.error.code).toBe('not_empty');
    expect(full.error!.error.message).toMatch(/^还有下属记录（\d+ 个网格），请先移走或删除它们$/);
  });

  it('a roster imported as multipart (now and with ?async=1), a refused one, and its village removed bottom-up', async () => {
    const header = '社区,网格,联防组,房屋编号,地址,房东姓名,联系电话,租住人数,房间数,户长';
    const csv = (rows: string[]) => ({ file: { bytes: Buffer.from(`${header}\n${rows.join('\n')}\n`), name: 'roster.csv', type: 'text/csv' } });
    const row = (n: number, phone = `1360000${String(n).padStart(4, '0')}`) => `导入村,导入村第1网格,导入村第1网格联防1组,Y${String(n).padStart(5, '0')},导入村${n}号,王${n},${phone},3,2,`;
    const now = await admin.POST('/api/v1/import/roster', { body: { file: 'roster.csv' }, bodySerializer: multipart(csv([row(1)])) });
    expect(now.data).toMatchObject({ created: 1, errors: [] });
    const later = await admin.POST('/api/v1/import/roster', { params: { query: { async: '1' } }, body: { file: 'roster.csv' }, bodySerializer: multipart(csv([row(1), row(2)])) });
    expect(later.response.status).toBe(202);
    const id = (later.data as unknown as { id: string }).id;
    const job = await until(async () => {
      const r = await admin.GET('/api/v1/imports/{id}', { params: { path: { id } } });
      return r.data!.status === 'running' ? false : r.data!;
    });
    expect(job).toMatchObject({ status: 'done', result: { created: 1, unchanged: 1 } });
    // cancelled while it runs (30,000 rows take seconds; the cancel comes at once), then no longer cancellable
    const big = await admin.POST('/api/v1/import/roster', { params: { query: { async: '1' } }, body: { file: 'roster.csv' }, bodySerializer: multipart({ file: { bytes: rosterCsv(30_000), name: 'roster.csv', type: 'text/csv' } }) });
    const bigId = (big.data as unknown as { id: string }).id;
    const cancelled = await admin.DELETE('/api/v1/imports/{id}', { params: { path: { id: bigId } } });
    expect(cancelled.response.status).toBe(200);
    expect(cancelled.data).toMatchObject({ status: 'failed', error: { code: 'import_cancelled' } });
    expect((await admin.DELETE('/api/v1/imports/{id}', { params: { path: { id: bigId } } })).error!.error.code).toBe('import_finished');
    // bad rows: 422 with each row, nothing changed
    const bad = await admin.POST('/api/v1/import/roster', { body: { file: 'roster.csv' }, bodySerializer: multipart(csv([row(3, '12345')])) });
    expect(bad.response.status).toBe(422);
    expect(bad.error).toEqual(EXAMPLES['post /api/v1/import/roster']!.responses![422]); // the contract's example is this answer
    // not a roster at all
    const junk = await admin.POST('/api/v1/import/roster', { body: { file: 'x.xlsx' }, bodySerializer: multipart({ file: { bytes: seededJpeg('not-a-roster'), name: 'x.xlsx' } }) });
    expect([400, 415]).toContain(junk.response.status);

    const village = (await admin.GET('/api/v1/communities', { params: { query: { scope: 'community:导入村' } } })).data!.items[0]!;
    const houses = (await admin.GET('/api/v1/houses', { params: { query: { scope: `community:${village.id}` } } })).data!.items;
    expect(houses.map((h) => h.code).sort()).toEqual(['Y00001', 'Y00002']);
    for (const h of houses) {
      expect((await admin.DELETE('/api/v1/houses/{id}', { params: { path: { id: h.id } } })).response.status).toBe(204);
      expect((await admin.DELETE('/api/v1/landlords/{id}', { params: { path: { id: h.landlordId } } })).response.status).toBe(204);
    }
    expect((await admin.DELETE('/api/v1/groups/{id}', { params: { path: { id: houses[0]!.groupId } } })).response.status).toBe(204);
    expect((await admin.DELETE('/api/v1/grids/{id}', { params: { path: { id: houses[0]!.gridId } } })).response.status).toBe(204);
    expect((await admin.DELETE('/api/v1/communities/{id}', { params: { path: { id: village.id } } })).response.status).toBe(204);
  }, 180_000);

  let headToken: string;
  it('users, tokens, bind codes and the audit log', async () => {
    const staff = await admin.POST('/api/v1/users', { body: { name: '平山村网格员', role: 'staff', scope: 'community:平山村' } });
    expect(staff.response.status).toBe(201);
    const head = await admin.POST('/api/v1/users', { body: { name: '联防组长', role: 'head', scope: `group:${group.id}` } });
    headToken = head.data!.token;
    expect((await admin.GET('/api/v1/users', { params: { query: {} } })).data!.items.length).toBeGreaterThanOrEqual(3);
    expect((await admin.GET('/api/v1/users/{id}', { params: { path: { id: staff.data!.id } } })).data!.scope).toMatch(/^community:/);
    expect((await admin.PATCH('/api/v1/users/{id}', { params: { path: { id: staff.data!.id } }, body: { name: '平山村专职网格员' } })).data!.name).toBe('平山村专职网格员');
    const renewed = await admin.POST('/api/v1/users/{id}/token', { params: { path: { id: staff.data!.id } } });
    expect(renewed.data!.token).not.toBe(staff.data!.token);
    expect((await admin.POST('/api/v1/users/{id}/bind-code', { params: { path: { id: staff.data!.id } } })).data!.code).toBeTruthy();
    // the community's staff see their community only
    const theirs = await client({ token: renewed.data!.token }).GET('/api/v1/houses', { params: { query: { limit: 100 } } });
    expect(theirs.data!.total).toBe(40);
    expect((await admin.DELETE('/api/v1/users/{id}', { params: { path: { id: staff.data!.id } } })).response.status).toBe(204);
    // the last admin stays
    const me = (await admin.GET('/api/v1/users', { params: { query: {} } })).data!.items.find((u) => u.role === 'admin')!;
    expect((await admin.PATCH('/api/v1/users/{id}', { params: { path: { id: me.id } }, body: { active: false } })).response.status).toBe(409);
    expect((await admin.GET('/api/v1/audit', { params: { query: {} } })).data!.items.length).toBeGreaterThan(0);
    // a head reads, and may not write
    const asHead = client({ token: headToken });
    expect((await asHead.GET('/api/v1/houses', { params: { query: {} } })).data!.total).toBe(10);
    expect((await asHead.POST('/api/v1/hazards', { body: { houseCode: house.code, description: '楼道堆放杂物', days: 3 } })).response.status).toBe(403);
  });

  // the simulator: a group of the demo street bound to a room, a landlord registered, a tip sent privately
  let room: string;
  let people: string[];
  it('the simulator: contacts, a room bound to a group, messages and transcripts', async () => {
    const { code } = (await admin.POST('/api/v1/groups/{id}/bind-code', { params: { path: { id: group.id } } })).data!;
    people = [];
    for (const name of ['房东甲', '群众乙', '群众丙']) people.push((await admin.POST('/api/v1/sim/contacts', { body: { name } })).data!.id);
    room = (await admin.POST('/api/v1/sim/rooms', { body: { topic: group.name, memberIds: people.slice(0, 1) } })).data!.id;
    const say = (body: { from: string; roomId?: string; text: string } | { from: string; roomId?: string; imageBase64: string; filename: string }) => admin.POST('/api/v1/sim/messages', { body });
    expect((await say({ from: people[0]!, roomId: room, text: `绑定群 ${code}` })).response.status).toBe(202);
    await say({ from: people[0]!, roomId: room, text: `登记 ${house.code}` });
    // issue 25: a registration is proved by the last four digits of the roster phone
    const landlord = (await admin.GET('/api/v1/landlords/{id}', { params: { path: { id: house.landlordId } } })).data as { phone: string };
    await say({ from: people[0]!, roomId: room, text: landlord.phone.slice(-4) });
    await say({ from: people[0]!, roomId: room, text: '我承诺' });
    await until(async () => (await admin.GET('/api/v1/sim/rooms/{id}/messages', { params: { path: { id: room } } })).data!.some((m) => m.text?.includes('本组已承诺 1/10')));
    expect((await admin.GET('/api/v1/stats', { params: { query: { scope: `group:${group.id}` } } })).data).toMatchObject({ houses: 10, committed: 1 });
    await say({ from: people[0]!, roomId: room, imageBase64: seededJpeg('sim-photo').toString('base64'), filename: 'smoke.jpg' });
    // two tips, privately, on demo houses
    for (const who of [people[1]!, people[2]!]) {
      await say({ from: who, text: `举报 ${house.code} 电动车在楼道里充电` });
      await until(async () => (await admin.GET('/api/v1/sim/contacts/{id}/messages', { params: { path: { id: who } } })).data!.some((m) => m.text?.includes('已收到您的举报')));
    }
    // room-join and room-leave (issue 25)
    expect((await admin.POST('/api/v1/sim/rooms/{id}/join', { params: { path: { id: room } }, body: { contactIds: [people[1]!] } })).response.status).toBe(202);
    expect((await admin.POST('/api/v1/sim/rooms/{id}/leave', { params: { path: { id: room } }, body: { contactIds: [people[1]!] } })).response.status).toBe(202);
    // rehearsing failure (issue 28): the account logged out, back, and a limit of 0 minutes (none)
    expect((await admin.POST('/api/v1/sim/bot/logout')).response.status).toBe(202);
    expect((await admin.GET('/api/v1/bot')).data!.health.state).toBe('logged_out');
    expect((await admin.POST('/api/v1/sim/bot/login')).response.status).toBe(202);
    // (202: the login is under way; the account is back once the puppet says so)
    await until(async () => (await admin.GET('/api/v1/bot')).data!.loggedIn);
    expect((await admin.POST('/api/v1/sim/bot/limit', { body: { minutes: 0 } })).response.status).toBe(202);
  }, 180_000);

  it('rounds, submissions, letters, broadcasts with an image, schedules and the bot', async () => {
    const round = await admin.POST('/api/v1/rounds', { body: { period: '2099-12', deadline: '2099-12-20', scope: `group:${group.id}` } });
    expect(round.data!.announced).toBe(1);
    const again = await admin.POST('/api/v1/rounds', { body: { period: '2099-12', deadline: '2099-12-20', scope: `group:${group.id}` } });
    expect(again.response.status).toBe(409);
    expect((await admin.GET('/api/v1/rounds', { params: { query: {} } })).data!.items.length).toBeGreaterThan(0);
    expect((await admin.POST('/api/v1/rounds/{id}/remind', { params: { path: { id: round.data!.id } } })).response.status).toBe(200);
    // two complete submissions of demo houses (the bot's photo menu is covered by the simulator tests)
    const houses = (await admin.GET('/api/v1/houses', { params: { query: { scope: `group:${group.id}`, limit: 4 } } })).data!.items.slice(1);
    const ids: string[] = [];
    for (const h of houses) {
      ids.push((await running.store.submissions.insert({ communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, roundId: round.data!.id, period: '2099-12', houseId: h.id, houseCode: h.code, status: 'complete', items: {}, returnReason: null, reviewedBy: null, reviewedAt: null })).id);
    }
    expect((await admin.GET('/api/v1/submissions', { params: { query: { round: round.data!.id } } })).data!.items.length).toBeGreaterThanOrEqual(2);
    expect((await admin.POST('/api/v1/submissions/{id}/approve', { params: { path: { id: ids[0]! } } })).data!.status).toBe('approved');
    expect((await admin.POST('/api/v1/submissions/{id}/approve', { params: { path: { id: ids[0]! } } })).response.status).toBe(409);
    expect((await admin.POST('/api/v1/submissions/{id}/return', { params: { path: { id: ids[1]! } }, body: { reason: '灭火器照片看不清' } })).data!.status).toBe('returned');
    // issue 26: the review queue, several approved at once, 催办 for one group
    expect((await admin.GET('/api/v1/review-queue', { params: { query: {} } })).data!.items.map((x) => x.id)).toContain(ids[2]);
    expect((await admin.GET('/api/v1/review-queue', { params: { query: { after: 'not!a!cursor' } } })).response.status).toBe(400);
    expect((await admin.POST('/api/v1/submissions/approve', { body: { ids: [ids[2]!] } })).data!.approved).toHaveLength(1);
    expect((await admin.POST('/api/v1/submissions/approve', { body: { ids: ['nope'] } })).response.status).toBe(404);
    expect((await admin.POST('/api/v1/groups/{id}/remind', { params: { path: { id: group.id } } })).data!.status).toBe('sent');
    expect((await admin.POST('/api/v1/groups/{id}/remind', { params: { path: { id: 'nope' } } })).response.status).toBe(404);

    const letter = await admin.POST('/api/v1/letters', { body: { texts: { 'zh-CN': '我承诺：落实消防安全主体责任，不在楼道停放电动车，保持安全出口畅通。' } } });
    expect(letter.data!.announced).toBe(1);
    // issue 26: the letters in force, a broadcast's reach before sending, the roster template and an import's dry run
    const asHeadToo = client({ token: headToken });
    expect((await admin.GET('/api/v1/letters', { params: { query: {} } })).data!.items[0]!.version).toBeGreaterThan(0);
    expect((await asHeadToo.GET('/api/v1/letters', { params: { query: {} } })).response.status).toBe(403);
    expect((await admin.GET('/api/v1/broadcasts/preview', { params: { query: { scope: `group:${group.id}` } } })).data!.groups).toBe(1);
    expect((await asHeadToo.GET('/api/v1/broadcasts/preview', { params: { query: { scope: `group:${group.id}` } } })).response.status).toBe(403);
    const template = await admin.GET('/api/v1/import/roster/template', { parseAs: 'arrayBuffer' });
    expect(Buffer.from(template.data as ArrayBuffer).subarray(0, 2).toString()).toBe('PK'); // a workbook (a zip)
    expect((await asHeadToo.GET('/api/v1/import/roster/template', { parseAs: 'arrayBuffer' })).response.status).toBe(403);
    const oneRow = `社区,网格,联防组,房屋编号,地址,房东姓名,联系电话,租住人数,房间数,户长\n预览村,预览村第1网格,预览村第1网格联防1组,Z00001,预览村1号,王一,13600009999,3,2,\n`;
    const dry = await admin.POST('/api/v1/import/roster/preview', { body: { file: 'roster.csv' }, bodySerializer: multipart({ file: { bytes: Buffer.from(oneRow), name: 'roster.csv', type: 'text/csv' } }) });
    expect(dry.data!.rows).toBe(1);
    expect((await admin.POST('/api/v1/import/roster/preview', { body: { file: 'x.xlsx' }, bodySerializer: multipart({ file: { bytes: seededJpeg('not-a-roster'), name: 'x.xlsx' } }) })).response.status).toBeGreaterThanOrEqual(400);

    const plain = await admin.POST('/api/v1/broadcasts', { body: { text: '今晚检查电动车充电', scope: `group:${group.id}` } });
    expect(plain.data!.rooms).toBe(1);
    const withImage = await admin.POST('/api/v1/broadcasts', {
      body: { text: '消防安全提示', scope: `group:${group.id}`, image: 'tip.jpg' },
      bodySerializer: multipart({ image: { bytes: seededJpeg('broadcast'), name: 'tip.jpg', type: 'image/jpeg' } }),
    });
    expect(withImage.response.status).toBe(201);
    expect((await admin.GET('/api/v1/broadcasts', { params: { query: {} } })).data!.items.length).toBeGreaterThanOrEqual(2);
    expect((await admin.GET('/api/v1/broadcasts/{id}', { params: { path: { id: withImage.data!.id } } })).data!.deliveries).toHaveLength(1);
    const notImage = await admin.POST('/api/v1/broadcasts', {
      body: { text: '消防安全提示', scope: `group:${group.id}`, image: 'tip.jpg' },
      bodySerializer: multipart({ image: { bytes: Buffer.from('不是图片 not an image'), name: 'tip.jpg', type: 'image/jpeg' } }),
    });
    expect(notImage.response.status).toBe(415);

    const schedules = await admin.GET('/api/v1/schedules');
    expect(schedules.data!.items.length).toBeGreaterThan(0);
    const made = await admin.POST('/api/v1/schedules', { body: { name: 'weekly-tip', cron: '0 9 * * 1', action: 'monthly_tip', scope: `community:${community.id}` } });
    expect((await admin.PATCH('/api/v1/schedules/{id}', { params: { path: { id: made.data!.id } }, body: { enabled: false } })).data!.enabled).toBe(false);
    expect((await admin.GET('/api/v1/bot')).data!.loggedIn).toBe(true);
    expect((await admin.GET('/api/v1/me')).data!).toMatchObject({ role: 'admin', scope: 'street' });
  });

  it('hazards with site photos (multipart), the photos themselves, tips, points, figures and the monthly report', async () => {
    const hazard = await admin.POST('/api/v1/hazards', { body: { houseCode: house.code, description: '楼道堆放杂物', days: 3 } });
    expect(hazard.response.status).toBe(201);
    const id = hazard.data!.id;
    const site = await admin.POST('/api/v1/hazards/{id}/photos', {
      params: { path: { id } }, body: { kind: 'before', image: 'site.jpg' },
      bodySerializer: multipart({ image: { bytes: seededJpeg('hazard-site'), name: 'site.jpg', type: 'image/jpeg' } }),
    });
    const photoId = (site.data!.sitePhotos as { photoId: string }[])[0]!.photoId; // a JSON field: the contract types it loosely
    const notImage = await admin.POST('/api/v1/hazards/{id}/photos', {
      params: { path: { id } }, body: { kind: 'after', image: 'x.jpg' },
      bodySerializer: multipart({ image: { bytes: Buffer.from('not an image'), name: 'x.jpg', type: 'image/jpeg' } }),
    });
    expect(notImage.response.status).toBe(415);
    const photo = await admin.GET('/api/v1/photos/{id}', { params: { path: { id: photoId } }, parseAs: 'arrayBuffer' });
    expect(photo.response.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(photo.data as ArrayBuffer).equals(seededJpeg('hazard-site'))).toBe(true);
    const thumb = await admin.GET('/api/v1/photos/{id}', { params: { path: { id: photoId }, query: { thumb: '1' } }, parseAs: 'arrayBuffer' });
    expect(thumb.response.headers.get('content-type')).toBe('image/jpeg');
    expect((await admin.POST('/api/v1/hazards/{id}/close', { params: { path: { id } } })).data!.status).toBe('closed');
    expect((await admin.POST('/api/v1/hazards/{id}/reopen', { params: { path: { id } }, body: { reason: '复查未通过' } })).data!.status).not.toBe('closed');
    expect((await admin.GET('/api/v1/hazards', { params: { query: {} } })).data!.items.length).toBeGreaterThan(0);

    const tips = (await admin.GET('/api/v1/tips', { params: { query: {} } })).data!.items;
    expect(tips).toHaveLength(2);
    expect(JSON.stringify(tips)).not.toContain('reporterContactId');
    const accepted = await admin.POST('/api/v1/tips/{id}/accept', { params: { path: { id: tips[0]!.id } }, body: { points: 10, hazard: { description: '电动车楼道充电', days: 3 } } });
    expect(accepted.data!.status).toBe('accepted');
    expect((await admin.POST('/api/v1/tips/{id}/reject', { params: { path: { id: tips[1]!.id } }, body: { reason: '现场核查无此情况' } })).data!.status).toBe('rejected');

    expect((await admin.GET('/api/v1/points', { params: { query: {} } })).data!.items.length).toBeGreaterThan(0);
    const rules = (await admin.GET('/api/v1/points/rules')).data!;
    expect((await admin.PUT('/api/v1/points/rules', { body: { commitment: rules.commitment ?? 5 } })).response.status).toBe(200);

    const stats = await admin.GET('/api/v1/stats', { params: { query: { scope: `community:${community.id}` } } });
    expect(stats.data!.houses).toBe(40);
    expect((await admin.GET('/api/v1/stats/ranking', { params: { query: { by: 'grid' } } })).data!.items).toHaveLength(6);
    // the monthly report opens as a workbook, with a summary sheet and one sheet per community
    const report = await admin.GET('/api/v1/reports/monthly.xlsx', { params: { query: { period: '2026-12' } }, parseAs: 'arrayBuffer' });
    expect(report.response.headers.get('content-type')).toBe(XLSX);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(report.data as ArrayBuffer);
    expect(book.worksheets.length).toBe(4);
    expect(book.worksheets.map((w) => w.name).join(' ')).toMatch(/平山村.*|西墅社区|东湖社区/);
    const csv = await admin.GET('/api/v1/reports/monthly.xlsx', { params: { query: { period: '2026-12', format: 'csv' } }, parseAs: 'text' });
    expect(csv.response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(String(csv.data)).toContain(house.code);
    // the register (issue 26): a page, and the same as a workbook
    const register = (await admin.GET('/api/v1/register', { params: { query: { q: house.code } } })).data!;
    expect(register.items.map((r) => r.code)).toEqual([house.code]);
    const registerBook = await admin.GET('/api/v1/register.xlsx', { params: { query: { status: 'uncommitted' } }, parseAs: 'arrayBuffer' });
    expect(registerBook.response.headers.get('content-type')).toBe(XLSX);
  }, 180_000);

  it('一户一档 and 一户一码 (issue 27): the search, the record, its printed files, a placard rotated and scanned', async () => {
    const found = await admin.GET('/api/v1/house-search', { params: { query: { q: house.code } } });
    expect(found.data!.items.map((h) => h.id)).toContain(house.id);
    const archive = await admin.GET('/api/v1/houses/{id}/archive', { params: { path: { id: house.id }, query: { limit: 10 } } });
    expect(archive.data!.house.code).toBe(house.code);
    const files = [
      await admin.GET('/api/v1/houses/{id}/archive.pdf', { params: { path: { id: house.id } }, parseAs: 'arrayBuffer' }),
      await admin.GET('/api/v1/groups/{id}/archive.pdf', { params: { path: { id: house.groupId } }, parseAs: 'arrayBuffer' }),
      await admin.GET('/api/v1/groups/{id}/placards.pdf', { params: { path: { id: house.groupId } }, parseAs: 'arrayBuffer' }),
    ];
    for (const file of files) expect(file.response.headers.get('content-type')).toBe('application/pdf');
    const rotated = await admin.POST('/api/v1/houses/{id}/placard/rotate', { params: { path: { id: house.id } } });
    expect(rotated.response.status).toBe(201);
    const token = new URL(rotated.data!.link).pathname.split('/').pop()!;
    expect((await admin.GET('/api/v1/placards/{token}', { params: { path: { token } } })).data).toEqual({ houseId: house.id, code: house.code });
    expect((await admin.GET('/api/v1/placards/{token}', { params: { path: { token: 'AAAAAAAAAAAAAAAAAAAAAA' } } })).response.status).toBe(404);
  }, 120_000);

  it('bad input: three bad fields answer 400 with three messages, in Chinese and in English; unknown records 404', async () => {
    for (const [lng, words] of [['zh-CN', /房屋编号/], ['en', /house code/i]] as const) {
      const bad = await client({ token: readFileSync(path.join(tmp.dir, 'admin-token'), 'utf8').trim(), lng }).POST('/api/v1/hazards', { body: { houseCode: '', description: '', days: -1 } });
      expect(bad.response.status).toBe(400);
      if (lng === 'zh-CN') expect(bad.error).toEqual(EXAMPLES['post /api/v1/hazards']!.responses![400]); // the contract's example is this answer
      expect(bad.error!.error.code).toBe('validation');
      expect(bad.error!.error.message).toMatch(words);
      expect((bad.error!.error.details as unknown[]).length).toBe(3);
    }
    expect((await admin.POST('/api/v1/hazards', { body: { houseCode: 'NO0000', description: '楼道堆放杂物', days: 3 } })).response.status).toBe(404);
  });

  it('signing in with a password, the session, passwords and a schedule\'s preview (issue 26)', async () => {
    const first = running.newAdminPassword!;
    const anon = client();
    expect((await anon.POST('/api/v1/session', { body: { username: first.username, password: 'not-the-password' } })).response.status).toBe(401);
    expect((await anon.GET('/api/v1/session')).response.status).toBe(204);
    const signed = await anon.POST('/api/v1/session', { body: { username: first.username, password: first.password } });
    expect(signed.data).toMatchObject({ role: 'admin', username: 'admin', mustChangePassword: true });
    // a client that carries the session cookie (as the dashboard does), writing from this origin
    const cookie = signed.response.headers.get('set-cookie')!.split(';')[0]!;
    const session = client({ fetch: (input, init) => { const r = new Request(input, init); r.headers.set('Cookie', cookie); r.headers.set('Origin', base); return fetch(r); } });
    expect((await session.GET('/api/v1/session')).data).toMatchObject({ role: 'admin', timeZone: 'Asia/Shanghai' });
    expect((await session.PUT('/api/v1/me/password', { body: { current: 'wrong-password-1', password: 'chosen-pass-123' } })).response.status).toBe(403);
    expect((await session.PUT('/api/v1/me/password', { body: { current: first.password, password: 'chosen-pass-123' } })).response.status).toBe(204);
    expect((await session.DELETE('/api/v1/session')).response.status).toBe(204);
    const user = (await admin.POST('/api/v1/users', { body: { name: '签到员', role: 'staff', scope: 'street' } })).data!;
    expect((await admin.PUT('/api/v1/users/{id}/password', { params: { path: { id: user.id } }, body: { username: 'qiandao', password: 'first-pass-123' } })).data).toEqual({ username: 'qiandao' });
    const runs = await admin.GET('/api/v1/schedules/preview', { params: { query: { cron: '30 8 5 * *' } } });
    expect(runs.data!.runs).toHaveLength(3);
    expect((await admin.GET('/api/v1/schedules/preview', { params: { query: { cron: 'not a cron' } } })).response.status).toBe(400);
  });

  it('error sweep: every operation that needs a token answers 401 without one; each with an id answers 404 for an unknown one', async () => {
    const anon = client() as unknown as Record<string, (p: string, init: object) => Promise<{ response: Response }>>;
    const untyped = admin as unknown as typeof anon;
    for (const op of OPS) {
      const [m, p] = op.split(' ') as [string, string];
      const o = doc.paths[p]![m]!;
      const init = { params: { path: { id: 'no-such-id' } }, ...(o.requestBody ? { body: {} } : {}) };
      if (!(Array.isArray(o.security) && o.security.length === 0)) expect({ op, status: (await anon[m.toUpperCase()]!(p, init)).response.status }).toEqual({ op, status: 401 });
      if (p.includes('{id}')) {
        const status = (await untyped[m.toUpperCase()]!(p, init)).response.status;
        expect({ op, notFound: [400, 404].includes(status) }).toEqual({ op, notFound: true });
      }
    }
  }, 180_000);

  it('every operation of the contract was called through the client, answered 2xx and an error, and every answer matched the contract', () => {
    const ok = (op: string) => [...(seen.get(op)?.keys() ?? [])].some((s) => s < 300);
    // public operations that take no input have no error to give
    const needsError = (op: string) => {
      const [m, p] = op.split(' ') as [string, string];
      const o = doc.paths[p]![m]!;
      return !(Array.isArray(o.security) && o.security.length === 0 && !o.parameters?.length && !o.requestBody);
    };
    const failed = (op: string) => [...(seen.get(op)?.keys() ?? [])].some((s) => s >= 400);
    expect({
      neverSucceeded: OPS.filter((op) => !ok(op)),
      neverRefused: OPS.filter((op) => needsError(op) && !failed(op)),
      notInContract: [...seen.keys()].filter((op) => !OPS.includes(op)),
      unlikeContract: problems,
    }).toEqual({ neverSucceeded: [], neverRefused: [], notInContract: [], unlikeContract: [] });
  });
});
