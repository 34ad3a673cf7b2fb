/**
 * An account that cannot send for a while — its daily cap spent, or cooling down after WeChat's
 * "too frequent" — hands on the rooms another member account is in, so that member posts there
 * today; it keeps the rooms it is alone in (nobody else could post there), and takes nothing back
 * from the member once it can send again. (Seen in the city's day: rooms waited a day for a capped
 * account while another member could have posted.)
 */
import type { OutboxEntry } from '../../src/domain/types';
import { createOutboxWorker, type SendPort } from '../../src/scheduler/outbox-worker';
import { enqueue, PRIORITY } from '../../src/services/sending/outbox';
import { createRoomKeeper } from '../../src/services/sending/rooms';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Store } from '../../src/storage/store';
import { depsFor, tempDir } from '../support/fixtures';

describe('an account that cannot send hands on the rooms it shares', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let deps: ReturnType<typeof depsFor>;
  beforeEach(() => {
    tmp = tempDir('anxin-resting-');
    store = createSqliteStore({ dataDir: tmp.dir });
    deps = depsFor(store);
  });
  afterEach(async () => {
    await store.close();
    tmp.cleanup();
  });

  const pacing = { intervalMs: 3000, jitterMs: 0, roomSwitchMs: 0, dailyCap: 2, tooFrequentPauseMs: 3_600_000, leaseMs: 60_000, idleMs: 500 };
  // time moves only when a sender waits out its pace
  const sleep = (ms: number) => {
    deps.clock.advance(ms);
    return Promise.resolve();
  };
  /** an account's process as main.ts makes it: a room keeper told when the account's sender rests */
  function account(name: string, send: (e: OutboxEntry) => void = () => undefined) {
    const sent: string[] = [];
    const port: SendPort = {
      send: async (e) => {
        send(e);
        sent.push(e.key);
      },
    };
    // (the keeper asks its sender only once both are made)
    const keeper = createRoomKeeper(deps, { worker: name, leaseMs: 60_000, everyMs: 3_600_000, resting: () => worker.resting() });
    const worker = createOutboxWorker(deps, port, { ...pacing, account: name, worker: name, serves: keeper.serves }, sleep);
    return { keeper, worker, sent };
  }
  const post = (key: string, roomId: string) => enqueue(deps, [{ key, account: 'A', priority: PRIORITY.bulk, text: `冬季用电安全提醒 ${key}`, roomId }]);
  const accountOf = async (key: string) => (await store.outbox.findOne({ key }))!;

  it('its daily cap spent: the shared room goes to the other member, which posts there today; the room it is alone in waits for it', async () => {
    const a = account('A');
    const b = account('B');
    await a.keeper.start('A', ['shared', 'alone']);
    await b.keeper.start('B', ['shared']);
    expect([a.keeper.serves('shared'), a.keeper.serves('alone'), b.keeper.serves('shared')]).toEqual([true, true, false]);

    await post('m1', 'shared');
    await post('m2', 'alone');
    expect([await a.worker.runOnce(), await a.worker.runOnce(), await a.worker.runOnce()]).toEqual(['sent', 'sent', 'capped']);
    expect(a.worker.resting()).toBe(true);
    await post('p-shared', 'shared');
    await post('p-alone', 'alone');

    await a.keeper.tick();
    expect([a.keeper.serves('shared'), a.keeper.serves('alone')]).toEqual([false, true]);
    await b.keeper.tick();
    expect(b.keeper.serves('shared')).toBe(true);
    // a landlord's message heard in the shared room: B's process handles it, not A's
    expect([await a.keeper.serve('shared'), await b.keeper.serve('shared')]).toEqual([false, true]);
    expect((await accountOf('p-shared')).account).toBe('B');
    expect(await b.worker.runOnce()).toBe('sent');
    expect(b.sent).toEqual(['p-shared']);
    expect(await b.worker.runOnce()).toBe('idle');
    expect(await accountOf('p-alone')).toMatchObject({ account: 'A', status: 'pending' });

    // a day later A can send again: it posts in its own room, and leaves the shared one with B
    deps.clock.advance(86_400_000 + 60_000);
    await b.keeper.tick();
    expect(await a.worker.runOnce()).toBe('sent');
    expect(a.sent).toEqual(['m1', 'm2', 'p-alone']);
    expect(a.worker.resting()).toBe(false);
    await a.keeper.tick();
    expect([a.keeper.serves('shared'), a.keeper.serves('alone'), b.keeper.serves('shared')]).toEqual([false, true, true]);
    await Promise.all([a.keeper.stop(), b.keeper.stop()]);
  });

  it('cooling down after "too frequent": the message WeChat refused goes out from the other member', async () => {
    let refused = false;
    const a = account('A', () => {
      if (refused) return;
      refused = true;
      throw new Error('发送过于频繁 too frequent');
    });
    const b = account('B');
    await a.keeper.start('A', ['shared']);
    await b.keeper.start('B', ['shared']);
    await post('p', 'shared');
    expect(await a.worker.runOnce()).toBe('cooling');
    expect(a.worker.resting()).toBe(true);
    expect(await accountOf('p')).toMatchObject({ account: 'A', status: 'pending' });

    await a.keeper.tick();
    await b.keeper.tick();
    expect([a.keeper.serves('shared'), b.keeper.serves('shared')]).toEqual([false, true]);
    expect(await b.worker.runOnce()).toBe('sent');
    expect(b.sent).toEqual(['p']);
    expect(a.sent).toEqual([]);
    await Promise.all([a.keeper.stop(), b.keeper.stop()]);
  });

  it('the other member gone (lost, still recorded in the room): a landlord\'s message there is still handled by the resting account', async () => {
    const a = account('A');
    await a.keeper.start('A', ['shared']);
    await store.roomMembers.upsertMany([{ roomId: 'shared', account: 'B' }], ['roomId', 'account']); // B: no process
    await post('m1', 'shared');
    await post('m2', 'shared');
    expect([await a.worker.runOnce(), await a.worker.runOnce(), await a.worker.runOnce()]).toEqual(['sent', 'sent', 'capped']);
    await a.keeper.tick();
    expect(a.keeper.serves('shared')).toBe(false); // handed on, and nobody took it
    // 我承诺 in the room: recorded here (its reply waits for A's cap), not dropped for a member that is not there
    expect(await a.keeper.serve('shared')).toBe(true);
    await a.keeper.stop();
  });

  it('an account that can send keeps its rooms', async () => {
    const a = account('A');
    const b = account('B');
    await a.keeper.start('A', ['shared']);
    await b.keeper.start('B', ['shared']);
    await post('p', 'shared');
    expect(await a.worker.runOnce()).toBe('sent');
    expect(a.worker.resting()).toBe(false);
    await a.keeper.tick();
    await b.keeper.tick();
    expect([a.keeper.serves('shared'), b.keeper.serves('shared')]).toEqual([true, false]);
    await Promise.all([a.keeper.stop(), b.keeper.stop()]);
  });
});
