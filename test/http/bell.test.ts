import request from 'supertest';
import type { OutboxEntry } from '../../src/domain/types';
import { createOutboxWorker } from '../../src/scheduler/outbox-worker';
import { auth, rosterAppFixture } from '../support/app-fixture';

/**
 * Issue 24: the API was given a copy of the world without the bell (`depsOf`), so what it
 * queued waited for the sender's idle poll while bot replies went at once. The sender here
 * polls once an hour: only the bell can wake it within the test's time.
 */
describe('what the API queues wakes the sender at once (the one world object carries the bell)', () => {
  it('a broadcast and a hazard notice posted through the API are sent without waiting for the idle poll', async () => {
    const f = await rosterAppFixture();
    const [group] = await f.store.groups.find({}, { sort: { name: 1 }, limit: 1 });
    await f.store.groups.update(group!.id, { roomId: 'room-bell@chatroom', botId: 'bot' });
    const house = (await f.store.houses.find({ groupId: group!.id }, { limit: 1 }))[0]!;

    const waiting = new Map<string, (e: OutboxEntry) => void>();
    const sentEvent = (match: (e: OutboxEntry) => boolean) => new Promise<OutboxEntry>((resolve) => { waiting.set(String(waiting.size), (e) => { if (match(e)) resolve(e); }); });
    const worker = createOutboxWorker(f.deps, { send: async () => undefined }, {
      account: 'bot', worker: 'w', intervalMs: 0, jitterMs: 0, roomSwitchMs: 0, dailyCap: 100, tooFrequentPauseMs: 0, leaseMs: 60_000,
      idleMs: 3_600_000, afterSent: (e) => { for (const w of waiting.values()) w(e); },
    }, (ms) => new Promise((r) => setTimeout(r, ms)));
    worker.start();
    try {
      const broadcastSent = sentEvent((e) => e.text === '冬季用火用电安全提醒');
      await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken)).send({ text: '冬季用火用电安全提醒', scope: 'street' }).expect(201);
      expect((await broadcastSent).roomId).toBe('room-bell@chatroom');

      const hazardSent = sentEvent((e) => e.key.startsWith('hazard:open:'));
      await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).send({ houseCode: house.code, description: '楼道堆放杂物' }).expect(201);
      expect((await hazardSent).text).toContain(house.code);
    } finally {
      await worker.stop();
      await f.close();
    }
  });
});
