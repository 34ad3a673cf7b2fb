/** Issue 15: validation errors in the caller's language, every problem listed, fields named as staff know them. */
import request from 'supertest';
import { auth, rosterAppFixture } from '../support/app-fixture';

type Fixture = Awaited<ReturnType<typeof rosterAppFixture>>;
let f: Fixture;
beforeAll(async () => { f = await rosterAppFixture(); });
afterAll(() => f.close());

it('a request with three bad fields answers 400 with three Chinese messages, or English ones', async () => {
  const body = { houseCode: 'x', description: '', days: 'three' };
  const zh = await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).send(body).expect(400);
  expect(zh.body.error.code).toBe('validation');
  expect(zh.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['days', 'description', 'houseCode']);
  expect(zh.body.error.details.map((d: { message: string }) => d.message)).toEqual(expect.arrayContaining(['房屋编号至少 2 个字符', '描述至少 1 个字符', '天数缺少或应为数字']));
  expect(zh.body.error.message).toMatch(/^参数有误：.*房屋编号至少 2 个字符/);
  expect(zh.body.error.message).not.toMatch(/[A-Za-z]{4,}/); // no English words left in the Chinese message
  const en = await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).set('Accept-Language', 'en').send(body).expect(400);
  expect(en.body.error.details.map((d: { message: string }) => d.message)).toEqual(expect.arrayContaining(['house code must have at least 2 characters', 'description must have at least 1 character', 'days is missing or not a number']));
  const extra = await request(f.server).post('/api/v1/users').set(auth(f.adminToken)).send({ name: '张三', role: 'boss', scope: 'street', admin: true }).expect(400);
  expect(extra.body.error.details.map((d: { message: string }) => d.message)).toEqual(expect.arrayContaining(['角色只能是：admin / staff / head', '不认识的字段：admin']));
});
