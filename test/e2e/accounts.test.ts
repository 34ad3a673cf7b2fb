/**
 * Issue 14 (SPEC §4): several bot processes, one WeChat account each, share one store.
 * Three real processes (accounts A, B, C; test/support/accounts-child.ts: Wechaty on the mock
 * puppet, our plugin, room keeper and outbox worker) over one SQLite file, thirty rooms with
 * one or two of the accounts as members. A broadcast to all falls due, and A is killed with
 * SIGKILL mid-broadcast; then a schedule falls due. Every room gets each message exactly once
 * (a send the kill cut in half may repeat once), always from an account in the room; A's rooms with
 * another member are taken over by it once A's lease has run out; A's rooms with no other
 * member wait for A and get their messages when A is back. A room's incoming messages are
 * answered only by the process serving it. Waits are for lines the processes print, never
 * for time to pass.
 */
import { createDeps } from '../../src/services/create-deps';
import { createTranslator } from '../../src/i18n';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { systemClock } from '../../src/domain/clock';
import { broadcast } from '../../src/services/sending/broadcast';
import { UNSERVED } from '../../src/services/sending/rooms';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { ACCOUNTS, membersOf, roomId, roomIndex, ROOMS, wxid, type Account } from '../support/accounts-plan';
import { tempDir } from '../support/fixtures';
import { childArgs } from '../support/child-script';

const ROOT = path.resolve(__dirname, '../..');
const ROOM_LEASE_MS = 3000;
/** A is killed on its Nth send of the broadcast */
const KILL_AT_SEND = 5;

interface Line { account: Account; run: number; what: string; args: string[] }

describe('several accounts on one store', () => {
  const tmp = tempDir('anxin-accounts-');
  const store = createSqliteStore({ dataDir: tmp.dir });
  const lines: Line[] = [];
  const waiters: { what: string; ready: () => boolean; resolve: () => void; reject: (e: Error) => void }[] = [];
  const procs: { account: Account; run: number; p: ChildProcess; log: string; exited: Promise<unknown>; killed: boolean; stopping: boolean; err: () => string }[] = [];

  const settle = () => {
    for (const w of [...waiters]) if (w.ready()) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  };
  /** resolves once `ready` holds, checked after every line any process prints */
  const until = (what: string, ready: () => boolean) => new Promise<void>((resolve, reject) => {
    if (ready()) { resolve(); return; }
    waiters.push({ what, ready, resolve, reject });
    // not a wait for quiet: a diagnosis if the event never comes (the test's own limit would say nothing)
    setTimeout(() => {
      const i = waiters.findIndex((w) => w.what === what);
      if (i < 0) return;
      waiters.splice(i, 1);
      const tail = procs.map((c) => `${c.account}${c.run}: ${lines.filter((l) => l.account === c.account && l.run === c.run).slice(-6).map((l) => [l.what, ...l.args].join(' ')).join(' | ')} ${c.err().slice(-300)}`);
      reject(new Error(`still waiting for ${what} after 150 s\n${tail.join('\n')}`));
    }, 150_000).unref();
  });

  function start(account: Account, run: number) {
    const log = path.join(tmp.dir, `sends-${account}-${run}.log`);
    const p = spawn(process.execPath, childArgs('test/support/accounts-child'), {
      cwd: ROOT,
      env: {
        ...process.env, ACCOUNT: account, DATA_DIR: tmp.dir, SEND_LOG: log, ROOM_LEASE_MS: String(ROOM_LEASE_MS), LEASE_MS: '4000',
        SEND_DELAY_MS: '30', SCHEDULE_NOW: '2025-11-01T02:30:00Z',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let err = '';
    p.stderr!.on('data', (d) => { err += d; });
    const me = { account, run, p, log, exited: once(p, 'exit'), killed: false, stopping: false, err: () => err };
    procs.push(me);
    createInterface({ input: p.stdout! }).on('line', (l) => {
      const [what, ...args] = l.split(' ');
      lines.push({ account, run, what: what!, args });
      settle();
    });
    // a process that ends unasked fails every wait at once, with what it said
    void me.exited.then(() => {
      if (me.killed || me.stopping) return;
      for (const w of waiters.splice(0)) w.reject(new Error(`${account} (run ${run}) exited while waiting for ${w.what}: ${err.slice(0, 2000)}`));
    });
    return me;
  }
  const tell = (p: { p: ChildProcess }, line: string) => p.p.stdin!.write(`${line}\n`);
  const seen = (account: Account, run: number, what: string) => lines.filter((l) => l.account === account && l.run === run && l.what === what);
  /** keys a killed process recorded as sent: the kill can fall between that record and its `done` line */
  const recordedByKilled = new Set<string>();
  const doneKeys = () => new Set([...lines.filter((l) => l.what === 'done').map((l) => l.args[0]!), ...recordedByKilled]);

  afterAll(async () => {
    for (const c of procs) if (c.p.exitCode === null && c.p.signalCode === null) { c.killed = true; c.p.kill('SIGKILL'); }
    await Promise.all(procs.map((c) => c.exited));
    await store.close();
    tmp.cleanup();
  });

  it('sends each message once per room from an account in it, through a kill -9 and a takeover; incoming messages are answered by the room\'s server only', async () => {
    const deps = createDeps({ store, clock: systemClock, log: pino({ level: 'silent' }), timeZone: 'Asia/Shanghai', t: createTranslator('zh-CN'), locale: 'zh-CN' });
    const c = await store.communities.insert({ name: '测试社区' });
    const g = await store.grids.insert({ communityId: c.id, name: '测试网格' });
    await store.groups.insertMany(Array.from({ length: ROOMS }, (_, i) => ({
      // every other group's binding names no account (bound before accounts were recorded): its posts are for any
      // account, and every account's sender meets them — only a member may send them
      communityId: c.id, gridId: g.id, name: `联防${i}组`, headHouseId: null, roomId: roomId(i), locale: null, botId: i % 2 ? wxid(membersOf(i)[0]!) : null,
    })));
    // a monthly tip, due at 10:00 on 1 Nov 2025 (the processes run it as if it were 10:30 then)
    await store.schedules.insert({ name: 'test-tip', cron: '0 10 1 * *', timeZone: 'Asia/Shanghai', action: 'monthly_tip', scope: 'street', params: {}, enabled: true, lastRunAt: null, nextRunAt: new Date('2025-11-01T02:00:00Z') });

    const aRooms = [...Array(ROOMS).keys()].filter((i) => membersOf(i).includes('A'));
    const aOnly = aRooms.filter((i) => membersOf(i).length === 1);
    const aShared = aRooms.filter((i) => membersOf(i).length === 2);
    const holders = async () => new Map((await store.roomLeases.find({})).map((l) => [roomIndex(l.roomId), l.account]));

    // loaded at once; A logs in first, so it serves all its rooms; then B and C take the rest.
    // A's second run (for after the kill) loads meanwhile
    const [a, b, cc] = [start('A', 1), start('B', 1), start('C', 1)];
    await until('A loaded', () => seen('A', 1, 'LOADED').length === 1);
    tell(a, 'login');
    await until('A ready', () => seen('A', 1, 'READY').length === 1);
    await until('B and C loaded', () => seen('B', 1, 'LOADED').length === 1 && seen('C', 1, 'LOADED').length === 1);
    const a2 = start('A', 2);
    tell(b, 'login');
    tell(cc, 'login');
    await until('B and C ready', () => seen('B', 1, 'READY').length === 1 && seen('C', 1, 'READY').length === 1);
    const before = await holders();
    expect(before.size).toBe(ROOMS);
    for (const [i, holder] of before) expect(membersOf(i).map(wxid)).toContain(holder);
    for (const i of aRooms) expect(before.get(i)).toBe(wxid('A'));
    expect(await store.roomMembers.count({})).toBe(membersOf(0).length * 9 + 2 * 21);

    // every member account of a shared room hears "帮助" (each as its own message, as WeChat
    // gives each account its own copy): only the account serving the room answers
    const byAccount = { A: a, B: b, C: cc };
    const shared = [...Array(ROOMS).keys()].filter((i) => membersOf(i).length === 2);
    for (const i of shared) for (const m of membersOf(i)) tell(byAccount[m], `say ${roomId(i)} hello-${i}-${m} 帮助`);
    await until('every hello handled', () => lines.filter((l) => l.what === 'handled' && l.args[0]!.startsWith('hello-')).length === shared.length * 2);
    for (const i of shared) {
      const answered = lines.filter((l) => l.what === 'handled' && l.args[0]!.startsWith(`hello-${i}-`) && l.args[1] !== 'null');
      expect(answered.map((l) => wxid(l.account))).toEqual([before.get(i)]);
    }
    await until('every hello answered', () => shared.every((i) => [...doneKeys()].some((k) => k.startsWith(`reply:hello-${i}-`))));

    // a broadcast to all; A is killed part-way through its sends
    const sent = await broadcast(deps, { text: '冬季消防安全提醒', scope: 'street', by: 'test' });
    expect(sent.rooms).toBe(ROOMS);
    const isBulk = (k: string) => k.startsWith('broadcast:') || k.startsWith('schedule:');
    await until(`A's ${KILL_AT_SEND}th send`, () => seen('A', 1, 'sent').filter((l) => isBulk(l.args[0]!)).length >= KILL_AT_SEND);
    a.killed = true;
    a.p.kill('SIGKILL');
    const killedAt = Date.now();
    await a.exited;
    // the store, not the log, says what A recorded (once sent, an entry keeps the worker that sent it)
    for (const k of await store.outbox.distinct('key', { status: 'sent', leasedBy: `A-${a.p.pid}` })) recordedByKilled.add(k);
    // until when A's last renewal holds its shared rooms: nobody may take them before
    const heldUntil = new Map((await store.roomLeases.find({ roomId: { in: aShared.map(roomId) }, account: wxid('A') })).map((l) => [roomIndex(l.roomId), l.leaseUntil.getTime()]));
    const aSentBeforeKill = seen('A', 1, 'done').filter((l) => isBulk(l.args[0]!)).length;
    expect(aSentBeforeKill).toBeLessThan(aRooms.length - 2); // the kill came mid-broadcast

    const roomOf = (key: string) => roomIndex(key.slice(key.lastIndexOf(':room-') + 1));
    const bulkKeys = async () => (await store.outbox.distinct('key', {})).filter(isBulk);
    const withLiveMember = (keys: string[]) => () => { const d = doneKeys(); return keys.filter((k) => !aOnly.includes(roomOf(k))).every((k) => d.has(k)); };
    // A's shared rooms go to their other member once A's lease has run out
    await until('every broadcast message of a room with a live member sent', withLiveMember(await bulkKeys()));
    const after = await holders();
    for (const i of aShared) expect(after.get(i)).toBe(wxid(membersOf(i).find((m) => m !== 'A')!));

    // then a schedule falls due, run by B and C (once): the posts for rooms whose only member is A
    // (half of them for any account) wait for A — no other account takes those rooms
    for (const p of [b, cc]) tell(p, 'schedule');
    await until('the schedule run by B and C', () => seen('B', 1, 'SCHEDULED').length === 1 && seen('C', 1, 'SCHEDULED').length === 1);
    const keys = await bulkKeys();
    expect(keys).toHaveLength(2 * ROOMS);
    await until('every scheduled message of a room with a live member sent', withLiveMember(keys));
    // (no other account may send in A's own rooms: the membership check on every logged step below)
    const waiting = await store.outbox.find({ roomId: { in: aOnly.map(roomId) }, status: { ne: 'sent' } });
    expect(waiting.filter((e) => e.key.startsWith('schedule:'))).toHaveLength(aOnly.length);
    expect(waiting.some((e) => e.account === UNSERVED)).toBe(true);
    // the taken rooms' messages are now answered by their new account
    const taken = aShared.slice(0, 2);
    for (const i of taken) tell(byAccount[membersOf(i).find((m) => m !== 'A')!], `say ${roomId(i)} again-${i} 帮助`);
    await until('the taken rooms answer', () => taken.every((i) => doneKeys().has(`reply:again-${i}`)));

    // A comes back: it takes its own rooms (their leases ran out) and not the ones taken from it
    await until('A back loaded', () => seen('A', 2, 'LOADED').length === 1);
    tell(a2, 'login');
    await until('A back', () => seen('A', 2, 'READY').length === 1);
    tell(a2, 'schedule'); // (already run: nothing more)
    await until('everything sent', () => { const d = doneKeys(); return keys.every((k) => d.has(k)); });
    await until('A back has run the schedule', () => seen('A', 2, 'SCHEDULED').length === 1);
    expect(await bulkKeys()).toHaveLength(2 * ROOMS);
    for (const p of [a2, b, cc]) { p.stopping = true; tell(p, 'stop'); }
    await Promise.all([a2, b, cc].map((p) => p.exited));
    expect([a2, b, cc].map((p) => [p.p.exitCode, p.err()])).toEqual([[0, ''], [0, ''], [0, '']]);
    expect(a.err()).toBe('');

    // what the logs (fsynced as it happened) say was sent, and by whom
    type Step = { account: Account; run: number; what: string; key: string; room: string; at: number };
    const steps: Step[] = [];
    for (const p of procs) {
      for (const l of readFileSync(p.log, 'utf8').trim().split('\n').filter(Boolean)) {
        const [what, key, room, at] = l.split(' ');
        steps.push({ account: p.account, run: p.run, what: what!, key: key!, room: room!, at: Number(at) });
      }
    }
    for (const s of steps) expect(membersOf(roomIndex(s.room))).toContain(s.account); // never from an account not in the room
    const sends = new Map<string, Step[]>();
    for (const s of steps.filter((x) => x.what === 'sent')) sends.set(s.key, [...(sends.get(s.key) ?? []), s]);
    // the one send a kill may cut in half: WeChat had it, the outbox had not recorded it
    const aLast = steps.filter((s) => s.account === 'A' && s.run === 1 && s.what !== 'begin').at(-1);
    const cutInHalf = aLast?.what === 'sent' ? aLast.key : null;
    for (const k of keys) {
      const n = sends.get(k)?.length ?? 0;
      if (k === cutInHalf) expect(n).toBeLessThanOrEqual(2);
      else expect([k, n]).toEqual([k, 1]);
    }
    for (const [k, ss] of sends) if (k !== cutInHalf) expect([k, ss.length]).toEqual([k, 1]); // replies too
    // A's shared rooms: nothing from their other member before the kill; A back sent only in its own rooms
    for (const s of steps.filter((x) => x.account !== 'A' && aShared.includes(roomIndex(x.room)))) {
      expect(s.at).toBeGreaterThanOrEqual(Math.max(killedAt, heldUntil.get(roomIndex(s.room)) ?? 0));
    }
    expect(heldUntil.size).toBeGreaterThan(0); // (the kill came well inside A's lease)
    for (const s of steps.filter((x) => x.account === 'A' && x.run === 2)) expect(aOnly).toContain(roomIndex(s.room));
    expect(steps.some((x) => x.account === 'A' && x.run === 2 && x.what === 'done')).toBe(true);

    // and the store agrees: every entry sent, every delivery sent, the schedule ran once
    expect(await store.outbox.count({ status: { ne: 'sent' } })).toBe(0);
    expect(await store.deliveries.count({ status: 'sent' })).toBe(ROOMS);
    expect((await store.schedules.findOne({ name: 'test-tip' }))!.nextRunAt.getTime()).toBeGreaterThan(Date.parse('2025-11-01T02:30:00Z'));
    const final = await holders();
    for (const i of aShared) expect(final.get(i)).toBe(wxid(membersOf(i).find((m) => m !== 'A')!));
    for (const i of aOnly) expect(final.get(i)).toBe(wxid('A'));
    for (const x of ACCOUNTS) expect(procs.some((p) => p.account === x)).toBe(true);
  }, 240_000); // three processes each loading Wechaty: ~35 s, near a minute on two busy cores
});
