import request from 'supertest';
import { createOutboxWorker } from '../../src/scheduler/outbox-worker';
import { resumeBroadcasts } from '../../src/services/sending/broadcast';
import { auth, rosterAppFixture } from '../support/app-fixture';
import { uniquePng } from '../support/images';

let f: Awaited<ReturnType<typeof rosterAppFixture>>;

beforeEach(async () => {
  f = await rosterAppFixture();
  const groups = await f.store.groups.find({});
  for (const [i, g] of groups.entries()) if (i < 3) await f.store.groups.update(g.id, { roomId: `room-${i}@chatroom`, botId: 'bot' });
});
afterEach(async () => { await f.close(); });

describe('broadcasts', () => {
  it('fans out to every bound room of the scope, and reports per-room delivery as the outbox sends', async () => {
    const r = await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken)).send({ text: '冬季用火用电安全提醒', scope: 'street' }).expect(201);
    expect(r.body.rooms).toBe(3);
    const before = await request(f.server).get(`/api/v1/broadcasts/${r.body.id}`).set(auth(f.adminToken)).expect(200);
    expect(before.body.status).toBe('sending');
    expect(before.body.deliveries.map((d: { status: string }) => d.status)).toEqual(['pending', 'pending', 'pending']);

    const sent: string[] = [];
    const worker = createOutboxWorker(f.deps, { send: async (e) => { sent.push(`${e.roomId}:${e.text}`); } },
      { account: 'bot', worker: 'w', intervalMs: 0, jitterMs: 0, roomSwitchMs: 0, dailyCap: 100, tooFrequentPauseMs: 0, leaseMs: 1000, idleMs: 0 }, async () => undefined);
    while ((await worker.runOnce()) !== 'idle');
    expect(sent.sort()).toEqual(['room-0@chatroom:冬季用火用电安全提醒', 'room-1@chatroom:冬季用火用电安全提醒', 'room-2@chatroom:冬季用火用电安全提醒']);
    const after = await request(f.server).get(`/api/v1/broadcasts/${r.body.id}`).set(auth(f.adminToken)).expect(200);
    expect(after.body.status).toBe('done');
    expect(after.body.deliveries.every((d: { status: string; sentAt: string }) => d.status === 'sent' && d.sentAt)).toBe(true);
  });

  it('re-queues the deliveries of a broadcast interrupted before its outbox entries were written', async () => {
    const r = await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken)).send({ text: '通知', scope: 'street' }).expect(201);
    const lost = (await f.store.outbox.find({ broadcastId: r.body.id })).slice(0, 2);
    for (const e of lost) await f.store.outbox.delete(e.id); // as if the process died mid-enqueue
    expect(await resumeBroadcasts(f.deps)).toBe(2);
    expect(await resumeBroadcasts(f.deps)).toBe(0);
    expect(await f.store.outbox.count({ broadcastId: r.body.id })).toBe(3);
  });

  it('takes a picture with the notice (multipart), checks it by its bytes, and sends it with every room\'s message', async () => {
    const r = await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken))
      .field('text', '电动车充电示意图').field('scope', 'street').attach('image', uniquePng(), 'poster.png').expect(201);
    const entries = await f.store.outbox.find({ broadcastId: r.body.id });
    expect(entries).toHaveLength(3);
    const photoId = entries[0]!.photoId!;
    expect(entries.every((e) => e.photoId === photoId)).toBe(true);
    const img = await request(f.server).get(`/api/v1/photos/${photoId}`).set(auth(f.adminToken)).expect(200);
    expect(img.headers['content-type']).toBe('image/png');
    const bad = await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken))
      .field('text', 'x').field('scope', 'street').attach('image', Buffer.from('not a picture'), 'x.png');
    expect(bad.status).toBe(415);
  });

  it('holds a post scheduled in quiet hours until 08:00', async () => {
    // 2026-11-15 22:00 in Asia/Shanghai
    const r = await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken)).send({ text: '通知', scope: 'street', at: '2026-11-15T22:00:00+08:00' }).expect(201);
    expect(r.body.at).toBe('2026-11-16T00:00:00.000Z');
    expect((await request(f.server).get(`/api/v1/broadcasts/${r.body.id}`).set(auth(f.adminToken))).body.status).toBe('scheduled');
  });

  it('refuses bad input and heads', async () => {
    for (const body of [{ text: '', scope: 'street' }, { text: 'x', scope: 'house:1' }, { text: 'x', scope: 'street', at: 'tomorrow' }, { text: 'x' }, { text: 'x', scope: 'street', at: '2020-01-01T00:00:00Z' }]) {
      const r = await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken)).send(body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toMatch(/^(validation|scope_invalid)$/);
    }
    const head = await f.userToken('head', 'street');
    await request(f.server).post('/api/v1/broadcasts').set(auth(head)).send({ text: 'x', scope: 'street' }).expect(403);
    await request(f.server).get('/api/v1/broadcasts/nope').set(auth(f.adminToken)).expect(404);
  });
});

describe('schedules API', () => {
  it('lists, creates and changes schedules; refuses bad cron, actions and heads', async () => {
    const made = await request(f.server).post('/api/v1/schedules').set(auth(f.adminToken)).send({ name: 'weekly-tip', cron: '0 10 * * 1', action: 'monthly_tip' }).expect(201);
    expect(made.body).toMatchObject({ name: 'weekly-tip', timeZone: 'Asia/Shanghai', enabled: true, scope: 'street' });
    expect(new Date(made.body.nextRunAt).getTime()).toBeGreaterThan(f.deps.clock.now().getTime());
    const off = await request(f.server).patch(`/api/v1/schedules/${made.body.id}`).set(auth(f.adminToken)).send({ enabled: false, cron: '30 9 * * 1' }).expect(200);
    expect(off.body).toMatchObject({ enabled: false, cron: '30 9 * * 1' });
    expect((await request(f.server).get('/api/v1/schedules').set(auth(f.adminToken)).expect(200)).body.items.map((s: { name: string }) => s.name)).toEqual(['weekly-tip']);
    for (const body of [{ name: 'x1', cron: '99 * * * *', action: 'monthly_tip' }, { name: 'x2', cron: '0 10 * * *', action: 'format_disk' }, { name: '<b>Bad</b>', cron: '0 10 * * *', action: 'monthly_tip' }, { name: 'x3', cron: '0 10 * * *', action: 'monthly_tip', timeZone: 'Mars/Base' }]) {
      expect((await request(f.server).post('/api/v1/schedules').set(auth(f.adminToken)).send(body)).status).toBe(400);
    }
    await request(f.server).post('/api/v1/schedules').set(auth(f.adminToken)).send({ name: 'weekly-tip', cron: '0 10 * * 1', action: 'monthly_tip' }).expect(409);
    const head = await f.userToken('head', 'street');
    await request(f.server).get('/api/v1/schedules').set(auth(head)).expect(403);
    await request(f.server).patch('/api/v1/schedules/nope').set(auth(f.adminToken)).send({ enabled: true }).expect(404);
  });
});
