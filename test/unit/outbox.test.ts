import type { OutboxEntry } from '../../src/domain/types';
import { afterQuietHours, quietSince } from '../../src/domain/quiet-hours';
import { createOutboxWorker, type SendPort } from '../../src/scheduler/outbox-worker';
import { createReachRecorder } from '../../src/services/reach/recorder';
import { claimDue, claimNext, enqueue, markFailed, markSent, MAX_ATTEMPTS, PRIORITY } from '../../src/services/sending/outbox';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Store } from '../../src/storage/store';
import { depsFor, tempDir } from '../support/fixtures';

let store: Store;
let deps: ReturnType<typeof depsFor>;
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); store = createSqliteStore({ dataDir: tmp.dir }); deps = depsFor(store, '2026-11-15T02:00:00Z'); });
afterEach(async () => { await store.close(); tmp.cleanup(); });

describe('outbox', () => {
  it('enqueues a key once', async () => {
    expect(await enqueue(deps, [{ key: 'a', text: 'x', roomId: 'r1' }, { key: 'a', text: 'x', roomId: 'r1' }])).toBe(1);
    expect(await enqueue(deps, [{ key: 'a', text: 'x', roomId: 'r1' }, { key: 'b', text: 'y', roomId: 'r1' }])).toBe(1);
    expect(await store.outbox.count({})).toBe(2);
  });

  it('gives replies before bulk posts, and nothing before its time', async () => {
    await enqueue(deps, [
      { key: 'bulk', text: 'b', roomId: 'r', priority: PRIORITY.bulk },
      { key: 'later', text: 'l', roomId: 'r', priority: PRIORITY.reply, notBefore: new Date('2026-11-15T03:00:00Z') },
      { key: 'reply', text: 'r', roomId: 'r', priority: PRIORITY.reply },
    ]);
    const order = [];
    // (each sent, as a sender does: an entry whose lease ran out unsent would be taken again first)
    for (;;) { const e = await claimNext(deps, { account: 'bot', worker: 'w', leaseMs: 60_000 }); if (!e) break; order.push(e.key); await markSent(deps, e); }
    expect(order).toEqual(['reply', 'bulk']);
    deps.clock.set('2026-11-15T03:00:00Z');
    expect((await claimNext(deps, { account: 'bot', worker: 'w', leaseMs: 60_000 }))?.key).toBe('later');
  });

  it('leases an entry to one of two racing workers; a dead worker\'s lease runs out and the entry is taken again', async () => {
    await enqueue(deps, [{ key: 'k', text: 't', roomId: 'r' }]);
    const [a, b] = await Promise.all([claimNext(deps, { account: 'bot', worker: 'A', leaseMs: 60_000 }), claimNext(deps, { account: 'bot', worker: 'B', leaseMs: 60_000 })]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await claimNext(deps, { account: 'bot', worker: 'C', leaseMs: 60_000 })).toBeNull();
    deps.clock.advance(61_000);
    const again = await claimNext(deps, { account: 'bot', worker: 'C', leaseMs: 60_000 });
    expect(again).toMatchObject({ key: 'k', leasedBy: 'C', attempts: 2 });
  });

  it('a dead sender\'s entry takes its place in the order again, not behind everything queued after it', async () => {
    await enqueue(deps, [{ key: 'announce', text: 'a', roomId: 'r1', priority: PRIORITY.bulk }]);
    expect((await claimNext(deps, { account: 'bot', worker: 'dead', leaseMs: 60_000 }))?.key).toBe('announce');
    // the sender died holding it; replies and a later post keep coming
    deps.clock.advance(61_000);
    await enqueue(deps, [
      { key: 'reply', text: 'r', roomId: 'r2', priority: PRIORITY.reply },
      { key: 'tip', text: 't', roomId: 'r3', priority: PRIORITY.bulk },
    ]);
    const order = [];
    for (;;) { const e = await claimNext(deps, { account: 'bot', worker: 'new', leaseMs: 60_000 }); if (!e) break; order.push(e.key); }
    // replies first, then the posts by when they were due: the interrupted one before the later one
    expect(order).toEqual(['reply', 'announce', 'tip']);
  });

  it('takes many due entries at once in order, and never the same entry for two racing workers', async () => {
    await enqueue(deps, [
      ...Array.from({ length: 6 }, (_, i) => ({ key: `bulk${i}`, text: 't', roomId: 'r', priority: PRIORITY.bulk, notBefore: new Date(Date.parse('2026-11-15T01:00:00Z') + i) })),
      { key: 'reply-any', text: 't', roomId: 'r', priority: PRIORITY.reply },
      { key: 'reply-mine', text: 't', roomId: 'r', priority: PRIORITY.reply, account: 'bot', notBefore: new Date('2026-11-15T01:59:00Z') },
    ]);
    const first = await claimDue(deps, { account: 'bot', worker: 'A', leaseMs: 60_000, limit: 4 });
    expect(first.map((e) => e.key)).toEqual(['reply-mine', 'reply-any', 'bulk0', 'bulk1']);
    const [b, c] = await Promise.all(['B', 'C'].map((worker) => claimDue(deps, { account: 'bot', worker, leaseMs: 60_000, limit: 3 })));
    const keys = [...b!, ...c!].map((e) => e.key).sort();
    expect(keys).toEqual(['bulk2', 'bulk3', 'bulk4', 'bulk5']);
    expect(await store.outbox.count({ status: 'sending' })).toBe(8);
  });

  it('keeps a room with its account: another account does not take it', async () => {
    await enqueue(deps, [{ key: 'mine', text: 't', roomId: 'r', account: 'bot-1' }]);
    expect(await claimNext(deps, { account: 'bot-2', worker: 'w', leaseMs: 1000 })).toBeNull();
    expect((await claimNext(deps, { account: 'bot-1', worker: 'w', leaseMs: 1000 }))?.key).toBe('mine');
  });

  it('backs off after a failure and gives up after the last attempt, marking the delivery failed', async () => {
    await store.deliveries.insert({ broadcastId: 'b1', roomId: 'r', status: 'pending', sentAt: null, error: null });
    await enqueue(deps, [{ key: 'k', text: 't', roomId: 'r', broadcastId: 'b1' }]);
    for (let i = 1; i <= MAX_ATTEMPTS; i += 1) {
      const e = (await claimNext(deps, { account: 'bot', worker: 'w', leaseMs: 1000 }))!;
      expect(e.attempts).toBe(i);
      const outcome = await markFailed(deps, e, 'network down');
      expect(outcome).toBe(i < MAX_ATTEMPTS ? 'retry' : 'failed');
      expect(await claimNext(deps, { account: 'bot', worker: 'w', leaseMs: 1000 })).toBeNull();
      deps.clock.advance(30_000 * 2 ** (i - 1));
    }
    expect(await store.outbox.findOne({ key: 'k' })).toMatchObject({ status: 'failed', error: 'network down' });
    expect(await store.deliveries.findOne({ broadcastId: 'b1' })).toMatchObject({ status: 'failed' });
  });
});

describe('outbox worker', () => {
  const options = { account: 'bot', worker: 'w', intervalMs: 3000, jitterMs: 1000, roomSwitchMs: 2000, dailyCap: 1000, tooFrequentPauseMs: 600_000, leaseMs: 60_000, idleMs: 500 };
  // time moves only when the worker sleeps
  const sleep = (ms: number) => { deps.clock.advance(ms); return Promise.resolve(); };
  const recorder = () => {
    const sent: { key: string; room: string | null; at: number }[] = [];
    const port: SendPort = { send: async (e: OutboxEntry) => { sent.push({ key: e.key, room: e.roomId, at: deps.clock.now().getTime() }); } };
    return { sent, port };
  };
  const drain = async (w: ReturnType<typeof createOutboxWorker>) => { while ((await w.runOnce()) !== 'idle'); };

  it('never sends two messages of an account closer than SEND_INTERVAL_MS, and pauses longer between rooms', async () => {
    await enqueue(deps, Array.from({ length: 12 }, (_, i) => ({ key: `m${i}`, text: 't', roomId: i < 6 ? 'room-a' : 'room-b' })));
    const { sent, port } = recorder();
    await drain(createOutboxWorker(deps, port, options, sleep));
    expect(sent).toHaveLength(12);
    const gaps = sent.slice(1).map((s, i) => s.at - sent[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(3000);
    expect(gaps[5]).toBeGreaterThanOrEqual(5000); // room-a → room-b
    expect(await store.outbox.count({ status: 'sent' })).toBe(12);
  });

  it('keeps the pace across a restart (the last send is read from the store)', async () => {
    await enqueue(deps, [{ key: 'a', text: 't', roomId: 'r' }]);
    const first = recorder();
    await drain(createOutboxWorker(deps, first.port, options, sleep));
    await enqueue(deps, [{ key: 'b', text: 't', roomId: 'r' }]);
    const second = recorder();
    await drain(createOutboxWorker(deps, second.port, options, sleep));
    expect(second.sent[0]!.at - first.sent[0]!.at).toBeGreaterThanOrEqual(3000);
  });

  it('stops at the daily cap', async () => {
    await enqueue(deps, Array.from({ length: 5 }, (_, i) => ({ key: `m${i}`, text: 't', roomId: 'r' })));
    const { sent, port } = recorder();
    const w = createOutboxWorker(deps, port, { ...options, dailyCap: 3 }, sleep);
    const results = [];
    for (let i = 0; i < 5; i += 1) results.push(await w.runOnce());
    expect(results).toEqual(['sent', 'sent', 'sent', 'capped', 'capped']);
    expect(sent).toHaveLength(3);
  });

  it('sends in bursts when unpaced, each entry marked sent; a failure puts the rest of the burst back untouched', async () => {
    const unpaced = { ...options, intervalMs: 0, jitterMs: 0, roomSwitchMs: 0 };
    await enqueue(deps, Array.from({ length: 250 }, (_, i) => ({ key: `m${String(i).padStart(3, '0')}`, text: 't', roomId: `room-${i % 7}` })));
    const { sent, port } = recorder();
    const w = createOutboxWorker(deps, port, unpaced, sleep);
    expect(await w.runOnce()).toBe('sent');
    expect(sent).toHaveLength(100);
    expect(await store.outbox.count({ status: 'sent' })).toBe(100);
    await drain(w);
    expect(sent.map((s) => s.key)).toEqual(Array.from({ length: 250 }, (_, i) => `m${String(i).padStart(3, '0')}`));
    expect(await store.outbox.count({ status: 'sent' })).toBe(250);

    await enqueue(deps, Array.from({ length: 5 }, (_, i) => ({ key: `f${i}`, text: 't', roomId: 'r' })));
    let calls = 0;
    const flaky: SendPort = { send: async () => { calls += 1; if (calls === 3) throw new Error('network down'); } };
    expect(await createOutboxWorker(deps, flaky, unpaced, sleep).runOnce()).toBe('retry');
    expect(await store.outbox.find({ key: { in: ['f0', 'f1', 'f2', 'f3', 'f4'] } }, { sort: { key: 1 } })).toMatchObject([
      { status: 'sent', attempts: 1 }, { status: 'sent', attempts: 1 }, { status: 'pending', attempts: 1, error: 'network down' },
      { status: 'pending', attempts: 0, leasedBy: null }, { status: 'pending', attempts: 0, leasedBy: null },
    ]);
  });

  it('cools down for a long pause when WeChat says "too frequent": no send is attempted during it, and the message goes later unblamed', async () => {
    await enqueue(deps, Array.from({ length: 3 }, (_, i) => ({ key: `k${i}`, text: 't', roomId: 'r' })));
    const attempts: number[] = [];
    const live = createReachRecorder(deps.clock.now());
    live.loggedIn('bot', '安心房东', deps.clock.now());
    const port: SendPort = { send: async () => { attempts.push(deps.clock.now().getTime()); if (attempts.length === 1) throw new Error('send too frequent'); } };
    const w = createOutboxWorker(deps, port, { ...options, live }, sleep);
    const t0 = deps.clock.now().getTime();
    expect(await w.runOnce()).toBe('cooling');
    expect(live.snapshot(deps.clock.now()).coolingUntil?.getTime()).toBe(t0 + 600_000);
    // the worker is asked again and again during the cool-down (as a loop woken by the bell would): nothing is tried
    for (let minute = 0; minute < 9; minute += 1) {
      deps.clock.advance(60_000);
      expect(await w.runOnce()).toBe('cooling');
    }
    expect(attempts).toHaveLength(1);
    expect(await store.outbox.findOne({ key: 'k0' })).toMatchObject({ status: 'pending', attempts: 0 });
    deps.clock.set(new Date(t0 + 600_000).toISOString());
    await drain(w);
    expect(attempts).toHaveLength(4);
    expect(Math.min(...attempts.slice(1))).toBeGreaterThanOrEqual(t0 + 600_000);
    expect(await store.outbox.count({ status: 'sent' })).toBe(3);
    expect(live.snapshot(deps.clock.now())).toMatchObject({ limitSignals: [new Date(t0)], coolingUntil: null });
  });

  it('a restart during a cool-down waits it out too: the new worker attempts nothing before its end, and health says limited', async () => {
    await enqueue(deps, [{ key: 'k0', text: 't', roomId: 'r' }, { key: 'k1', text: 't', roomId: 'r' }]);
    const attempts: number[] = [];
    const port: SendPort = { send: async () => { attempts.push(deps.clock.now().getTime()); if (attempts.length === 1) throw new Error('send too frequent'); } };
    const first = createReachRecorder(deps.clock.now());
    first.loggedIn('bot', '安心房东', deps.clock.now());
    const t0 = deps.clock.now().getTime();
    expect(await createOutboxWorker(deps, port, { ...options, live: first }, sleep).runOnce()).toBe('cooling');
    // the process is restarted a minute later: a new worker and a new live record over the same store
    deps.clock.advance(60_000);
    const live = createReachRecorder(deps.clock.now());
    live.loggedIn('bot', '安心房东', deps.clock.now());
    const w = createOutboxWorker(deps, port, { ...options, live }, sleep);
    for (let minute = 1; minute < 10; minute += 1) {
      expect(await w.runOnce()).toBe('cooling');
      deps.clock.advance(60_000);
    }
    expect(attempts).toHaveLength(1);
    deps.clock.set(new Date(t0 + 599_000).toISOString());
    expect(live.snapshot(deps.clock.now())).toMatchObject({ coolingUntil: new Date(t0 + 600_000), limitSignals: [new Date(t0)] });
    expect(await w.runOnce()).toBe('cooling');
    deps.clock.set(new Date(t0 + 600_000).toISOString());
    await drain(w);
    expect(attempts).toHaveLength(3);
    expect(Math.min(...attempts.slice(1))).toBeGreaterThanOrEqual(t0 + 600_000);
    // a cool-down that has ended holds nothing back after a restart
    const again = createReachRecorder(deps.clock.now());
    again.loggedIn('bot', null, deps.clock.now());
    await enqueue(deps, [{ key: 'k2', text: 't', roomId: 'r' }]);
    deps.clock.advance(60_000);
    expect(await createOutboxWorker(deps, port, { ...options, live: again }, sleep).runOnce()).toBe('sent');
    expect(again.snapshot(deps.clock.now()).coolingUntil).toBeNull();
  });

  it('a post taken just before 21:00 whose pace runs past it goes back to wait for 08:00, not out at 21:00:03', async () => {
    deps.clock.set('2026-11-15T12:59:58Z'); // 20:59:58
    await enqueue(deps, [{ key: 'r1', text: '收到', roomId: 'r', priority: PRIORITY.reply }, { key: 'p', text: '今日网格排名', roomId: 'r', priority: PRIORITY.bulk }]);
    const { sent, port } = recorder();
    const w = createOutboxWorker(deps, port, options, sleep);
    expect(await w.runOnce()).toBe('sent');
    expect(await w.runOnce()).toBe('idle'); // taken at 20:59:58, the 3 s pace ends in quiet hours
    expect(sent.map((x) => x.key)).toEqual(['r1']);
    expect(await store.outbox.findOne({ key: 'p' })).toMatchObject({ status: 'pending', attempts: 0, leasedBy: null });
    expect(await w.runOnce()).toBe('idle');
    deps.clock.set('2026-11-16T00:00:00Z'); // 08:00
    expect(await w.runOnce()).toBe('sent');
    expect(sent.map((x) => x.key)).toEqual(['r1', 'p']);
  });

  it('attempts nothing while the account is logged out, and sends once it is back', async () => {
    await enqueue(deps, [{ key: 'k', text: 't', roomId: 'r' }]);
    const live = createReachRecorder(deps.clock.now());
    const { sent, port } = recorder();
    const w = createOutboxWorker(deps, port, { ...options, live }, sleep);
    expect(await w.runOnce()).toBe('offline');
    expect(await store.outbox.findOne({ key: 'k' })).toMatchObject({ status: 'pending', attempts: 0 });
    live.loggedIn('bot', null, deps.clock.now());
    expect(await w.runOnce()).toBe('sent');
    expect(sent).toHaveLength(1);
  });
});

describe('quiet hours (21:00–08:00 Asia/Shanghai)', () => {
  const tz = 'Asia/Shanghai';
  it.each([
    ['2026-11-15T14:00:00Z', '2026-11-16T00:00:00.000Z'], // 22:00 → 08:00 next day
    ['2026-11-15T22:30:00Z', '2026-11-16T00:00:00.000Z'], // 06:30 → 08:00 same day
    ['2026-11-15T04:00:00Z', '2026-11-15T04:00:00.000Z'], // 12:00 stays
    ['2026-11-15T13:00:00Z', '2026-11-16T00:00:00.000Z'], // 21:00 sharp is quiet
    ['2026-12-31T15:00:00Z', '2027-01-01T00:00:00.000Z'], // across a year end
  ])('%s → %s', (at, expected) => {
    expect(afterQuietHours(new Date(at), tz).toISOString()).toBe(expected);
  });

  it.each([
    ['2026-11-15T14:00:00Z', '2026-11-15T13:00:00.000Z'], // 22:00 → since 21:00 that evening
    ['2026-11-15T22:30:00Z', '2026-11-15T13:00:00.000Z'], // 06:30 → since 21:00 the evening before
    ['2026-12-31T20:00:00Z', '2026-12-31T13:00:00.000Z'], // 04:00 on New Year's Day → since 21:00 on New Year's Eve
    ['2026-11-15T13:00:00Z', '2026-11-15T13:00:00.000Z'], // 21:00 sharp
    ['2026-11-15T12:59:59Z', null], // 20:59:59
    ['2026-11-16T00:00:00Z', null], // 08:00 sharp
  ])('quiet since, at %s: %s', (at, expected) => {
    expect(quietSince(new Date(at), tz)?.toISOString() ?? null).toBe(expected);
  });

  it('a post due before 21:00 and still queued then waits for 08:00; replies, and a post queued during the night on purpose, go', async () => {
    deps.clock.set('2026-11-15T12:00:00Z'); // 20:00: the evening's posts, queued behind a long day
    await enqueue(deps, [{ key: 'ranking', text: '今日网格排名', roomId: 'r', priority: PRIORITY.bulk }]);
    deps.clock.set('2026-11-15T13:30:00Z'); // 21:30, not sent yet
    await enqueue(deps, [{ key: 'reply', text: '收到', roomId: 'r', priority: PRIORITY.reply }]);
    const take = async () => (await claimDue(deps, { account: 'bot', worker: 'w', leaseMs: 60_000, limit: 10 })).map((e) => e.key);
    const sent = async (keys: string[]) => {
      for (const key of keys) await markSent(deps, (await store.outbox.findOne({ key }))!);
    };
    const replies = await take();
    expect(replies).toEqual(['reply']);
    await sent(replies);
    expect(await take()).toEqual([]);
    deps.clock.set('2026-11-15T14:00:00Z'); // 22:00: staff send a fire notice now
    await enqueue(deps, [{ key: 'urgent', text: '紧急通知：今晚停电，注意用火安全', roomId: 'r', priority: PRIORITY.bulk }]);
    const urgent = await take();
    expect(urgent).toEqual(['urgent']);
    await sent(urgent);
    deps.clock.set('2026-11-15T23:59:59Z'); // 07:59:59
    expect(await take()).toEqual([]);
    deps.clock.set('2026-11-16T00:00:00Z'); // 08:00
    expect(await take()).toEqual(['ranking']);
  });
});
