/**
 * Issue 26, item 6: schedules staff can name in Chinese, rename, and preview before saving — the
 * next runs of a cron in the street's time zone (Asia/Shanghai here).
 */
import request from 'supertest';
import { appFixture, auth } from '../support/app-fixture';

type F = Awaited<ReturnType<typeof appFixture>>;
let f: F;
beforeAll(async () => {
  f = await appFixture();
});
afterAll(() => f.close());

it('a Chinese name is accepted, renamed, and refused when taken or holding markup or control characters', async () => {
  const made = await request(f.server).post('/api/v1/schedules').set(auth(f.adminToken)).send({ name: '周末消防提醒', cron: '0 9 * * 6', action: 'seasonal_notice' }).expect(201);
  expect(made.body).toMatchObject({ name: '周末消防提醒', scope: 'street', timeZone: 'Asia/Shanghai', enabled: true });
  // Saturday 09:00 in Beijing after the fixture's now (Sunday 2026-11-15 10:00 Beijing) is 2026-11-21 01:00Z
  expect(made.body.nextRunAt).toBe('2026-11-21T01:00:00.000Z');
  const renamed = await request(f.server).patch(`/api/v1/schedules/${made.body.id}`).set(auth(f.adminToken)).send({ name: '周六消防提醒', enabled: false }).expect(200);
  expect(renamed.body).toMatchObject({ name: '周六消防提醒', enabled: false });
  const taken = await request(f.server).post('/api/v1/schedules').set(auth(f.adminToken)).send({ name: '周六消防提醒', cron: '0 9 * * 6', action: 'seasonal_notice' }).expect(409);
  expect(taken.body.error.code).toBe('conflict');
  for (const name of ['<b>提醒</b>', '提醒\u0000', '', ' '.repeat(3), '很'.repeat(41)]) {
    const r = await request(f.server).post('/api/v1/schedules').set(auth(f.adminToken)).send({ name, cron: '0 9 * * 6', action: 'seasonal_notice' }).expect(400);
    expect(r.body.error.code).toBe('validation');
  }
});

it('previews the next three runs of a cron in the street\'s time zone, and refuses a bad one in the caller\'s language', async () => {
  const r = await request(f.server).get('/api/v1/schedules/preview').query({ cron: '30 8 5 * *' }).set(auth(f.adminToken)).expect(200);
  expect(r.body).toEqual({ cron: '30 8 5 * *', timeZone: 'Asia/Shanghai', runs: ['2026-12-05T00:30:00.000Z', '2027-01-05T00:30:00.000Z', '2027-02-05T00:30:00.000Z'] });
  const bad = await request(f.server).get('/api/v1/schedules/preview').query({ cron: '99 8 5 * *' }).set(auth(f.adminToken)).expect(400);
  expect(bad.body.error.code).toBe('validation');
  // readers may preview (a community's staff read schedules); no token, no preview
  await request(f.server).get('/api/v1/schedules/preview').query({ cron: '0 9 * * *' }).expect(401);
});
