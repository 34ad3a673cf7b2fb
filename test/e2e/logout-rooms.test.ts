/**
 * Issue 28, reach that survives a lost account: an account logged out while its process runs on
 * (banned, or logged off from the phone) must not keep renewing its room leases, or its rooms
 * stay with an account that cannot send. Through the real plugin on the mock puppet: account A
 * serves a room that account B is also in; A is logged out; B takes the room and the post that
 * waited for A; A, logged in again, does not take it back while B serves it.
 */
import { AnxinPlugin } from '../../bots/anxin-plugin';
import { createBot } from '../../bots/create-bot';
import { createDemoPuppet } from '../../bots/demo-puppet';
import { enqueue, PRIORITY } from '../../src/services/sending/outbox';
import { createRoomKeeper } from '../../src/services/sending/rooms';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { depsFor, silentLog, tempDir } from '../support/fixtures';

describe('an account logged out while its process runs (issue 28)', () => {
  const tmp = tempDir('anxin-logout-rooms-');
  const store = createSqliteStore({ dataDir: tmp.dir });
  // a fixed clock: no lease runs out by itself, so only the logout can free the room
  const deps = depsFor(store);
  const a = createRoomKeeper(deps, { worker: 'a', leaseMs: 60_000 });
  const b = createRoomKeeper(deps, { worker: 'b', leaseMs: 60_000 });
  const demo = createDemoPuppet();
  const bot = createBot({ name: 'logout-rooms', puppet: demo.puppet, puppetName: 'wechaty-puppet-mock', log: silentLog, plugins: [AnxinPlugin({ deps, rooms: a })] });
  afterAll(async () => {
    await b.stop();
    await bot.stop();
    await store.close();
    tmp.cleanup();
  });

  it('ends its leases: another member account takes the room and the post waiting for it; back again, it does not take it back', async () => {
    await bot.start();
    const self = demo.mocker.createContact({ name: 'A' });
    const landlord = demo.mocker.createContact({ name: '房东' });
    const room = demo.mocker.createRoom({ topic: '联防1组', memberIdList: [self.id, landlord.id] });
    demo.mocker.login(self);
    await a.ready;
    expect(a.serves(room.id)).toBe(true);
    await b.start('B', [room.id]);
    expect(b.serves(room.id)).toBe(false); // A holds the room
    await enqueue(deps, [{ key: 'post:waiting', account: self.id, priority: PRIORITY.bulk, text: '冬季用电安全提醒', roomId: room.id }]);

    await demo.puppet.logout('banned');
    // the logout is an event: B finds the room free once A's keeper has ended its lease
    for (let i = 0; i < 500 && !b.serves(room.id); i += 1) {
      await new Promise((r) => setImmediate(r));
      await b.tick();
    }
    expect(b.serves(room.id)).toBe(true);
    expect(a.serves(room.id)).toBe(false);
    expect((await store.outbox.findOne({ key: 'post:waiting' }))!.account).toBe('B');

    demo.mocker.login(self);
    await a.tick();
    await b.tick();
    expect(a.serves(room.id)).toBe(false);
    expect(b.serves(room.id)).toBe(true);
  });
});
