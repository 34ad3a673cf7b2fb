/**
 * Issue 15: the typed client generated from openapi.json, against the real app on a port. Each
 * call below is checked by the compiler against the contract (paths, parameters, bodies), and
 * each answer by ajv against the schema the contract declares for it.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { AddressInfo } from 'node:net';
import { apiClient } from '../../src/api-client';
import { createApp } from '../../src/http/create-app';
import { createI18n } from '../../src/i18n';
import { rosterAppFixture } from '../support/app-fixture';

type Fixture = Awaited<ReturnType<typeof rosterAppFixture>>;
let f: Fixture;
let close: () => void;
let base: string;
let check: (method: string, path: string, status: number, body: unknown) => void;

beforeAll(async () => {
  f = await rosterAppFixture();
  const i18n = await createI18n('zh-CN');
  const app = createApp({ ...f.deps, t: i18n.t.bind(i18n), locale: 'zh-CN', demo: true, botStatus: () => ({ puppet: 'wechaty-puppet-mock', loggedIn: true }), notifier: { post: async () => 0 } as never });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
  const doc = await (await fetch(`${base}/api/v1/openapi.json`)).json() as { components: object; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>> };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'https://anxin.local/openapi.json', components: doc.components });
  check = (method, path, status, body) => {
    const schema = doc.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
    expect({ op: `${method} ${path}`, declared: Boolean(schema) }).toEqual({ op: `${method} ${path}`, declared: true });
    const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components/g, '"https://anxin.local/openapi.json#/components')));
    expect({ op: `${method} ${path}`, errors: validate(body) ? null : ajv.errorsText(validate.errors) }).toEqual({ op: `${method} ${path}`, errors: null });
  };
});
afterAll(async () => { close(); await f.close(); });

it('lists, reads, edits and counts through the typed client, every answer as the contract says', async () => {
  const api = apiClient(base, { token: f.adminToken });
  const houses = await api.GET('/api/v1/houses', { params: { query: { limit: 5, total: '1' } } });
  check('get', '/api/v1/houses', 200, houses.data);
  const first = houses.data!.items[0]!;
  const one = await api.GET('/api/v1/houses/{id}', { params: { path: { id: first.id } } });
  check('get', '/api/v1/houses/{id}', 200, one.data);
  const next = await api.GET('/api/v1/houses', { params: { query: { limit: 5, after: houses.data!.next! } } });
  expect(next.data!.items[0]!.id).not.toBe(first.id);
  const edited = await api.PATCH('/api/v1/houses/{id}', { params: { path: { id: first.id } }, body: { address: '平山村东港路26号' } });
  check('patch', '/api/v1/houses/{id}', 200, edited.data);
  check('get', '/api/v1/stats', 200, (await api.GET('/api/v1/stats', { params: { query: {} } })).data);
  check('get', '/api/v1/stats/ranking', 200, (await api.GET('/api/v1/stats/ranking', { params: { query: { by: 'grid' } } })).data);
  const made = await api.POST('/api/v1/users', { body: { name: '平山村网格员', role: 'staff', scope: 'community:平山村' } });
  check('post', '/api/v1/users', 201, made.data);
  check('get', '/api/v1/users/{id}', 200, (await api.GET('/api/v1/users/{id}', { params: { path: { id: made.data!.id } } })).data);
  const hazard = await api.POST('/api/v1/hazards', { body: { houseCode: first.code, description: '楼道堆放杂物', days: 3 } });
  check('post', '/api/v1/hazards', 201, hazard.data);
  check('post', '/api/v1/hazards/{id}/close', 200, (await api.POST('/api/v1/hazards/{id}/close', { params: { path: { id: hazard.data!.id } } })).data);
  check('get', '/api/v1/hazards', 200, (await api.GET('/api/v1/hazards', { params: { query: { status: 'closed' } } })).data);
  check('get', '/api/v1/audit', 200, (await api.GET('/api/v1/audit', { params: { query: {} } })).data);
  // an error answers the {error:{code,message,details}} shape, in the language asked for
  const bad = await apiClient(base, { token: f.adminToken, lng: 'en' }).POST('/api/v1/hazards', { body: { houseCode: 'x', description: '' } });
  expect(bad.response.status).toBe(400);
  expect(bad.error).toMatchObject({ error: { code: 'validation', message: expect.stringContaining('house code') } });
  // the community's staff, through their own token, see their community only
  const staff = apiClient(base, { token: made.data!.token });
  const theirs = await staff.GET('/api/v1/houses', { params: { query: { limit: 100 } } });
  expect(theirs.data!.total).toBe(20);
});
