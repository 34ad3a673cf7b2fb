/**
 * npm run sim:city — a simulated city month (issue 29, item 3).
 *
 * N houses in N/10 WeChat rooms, K bot accounts, one SQLite store on disk, and the product's own
 * parts: the scheduler's runs (`runDueSchedules`, what node-cron's minute tick calls), the outbox
 * and its paced sender per account (`createOutboxWorker` with `wechatPacing`, the numbers main.ts
 * uses), the room leases (`createRoomKeeper`, several accounts on one store) and the commitment
 * service behind `我承诺`. Only WeChat is fake: one send port per account that records every
 * message by the identity of the outbox entries it carries, and landlords who answer the round's
 * announcement and its reminders with human delays and rates. Time is virtual (virtual-time.ts):
 * the clock jumps to the next thing due once every part of the world waits.
 *
 * Mid-month the whole process crashes (everything in memory dropped, the world rebuilt from the
 * store) and one account is lost for good (its process gone; its rooms go to the other member
 * account after the lease). The run prints when the 09:00 announcement reached the last room,
 * the reminders delivered before their deadline, each account's most sends in a minute,
 * duplicates and losses (both must be 0), the store's size and the run's own time.
 *
 *   SIM_HOUSES=10000 SIM_ACCOUNTS=3 npm run sim:city
 *
 * Settings (environment): SIM_HOUSES (10,000), SIM_ACCOUNTS (6), SIM_MONTH (2027-03), SIM_DAYS
 * (the whole month), SIM_STOP ("17:00": stop then on the last day, without draining), SIM_LEASE_MS (the room lease: 2 h; the
 * product's 60 s, renewed every 20 s for a month, would be most of the run's work), SIM_CRASH ("17 10:01",
 * day and local time; "none"), SIM_LOSE ("19 10:01"; "none"), SIM_IDLE_MS (an idle sender's poll, 60 s), SIM_SEED, SIM_DURABLE
 * (1: fsync every commit as the product does; by default the simulation's store leaves that to the OS), DATA_DIR (a fresh folder
 * under the system's temp folder), and the product's SEND_INTERVAL_MS, SEND_JITTER_MS,
 * SEND_DAILY_CAP.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { newId } from '../../src/domain/ids';
import { zonedInstant } from '../../src/domain/period';
import type { OutboxEntry } from '../../src/domain/types';
import { createTranslator } from '../../src/i18n';
import { createOutboxWorker } from '../../src/scheduler/outbox-worker';
import { wechatPacing } from '../../src/scheduler/pacing';
import { ensureDefaultSchedules, runDueSchedules } from '../../src/scheduler/schedule-runner';
import { commit } from '../../src/services/commitments/commit';
import { handleOnce, resolveSpeaker } from '../../src/services/conversation/speaker';
import { createDeps } from '../../src/services/create-deps';
import type { Deps } from '../../src/services/deps';
import { groupOfRoom } from '../../src/services/groups/group-settings';
import { enqueue, PRIORITY } from '../../src/services/sending/outbox';
import { createRoomKeeper, recordMembership, type RoomKeeper } from '../../src/services/sending/rooms';
import { ensureDefaults } from '../../src/services/setup/ensure-defaults';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Collection, Store } from '../../src/storage/store';
import { seeded, VirtualTime, type Actor } from './virtual-time';

const TZ = 'Asia/Shanghai';
/** Asia/Shanghai keeps +08:00 all year */
const OFFSET_MS = 8 * 3_600_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const HOUSES_PER_ROOM = 10;

export interface CityOptions {
  houses: number;
  accounts: number;
  /** YYYY-MM, in Asia/Shanghai */
  month?: string;
  /** days of the month simulated (default: all of it); the outbox is then drained */
  days?: number;
  dataDir: string;
  seed?: number;
  /** the room lease (default the product's 60 s); keepers renew it every third of it */
  leaseMs?: number;
  /**
   * An idle sender's poll (the product's is 1 s). The simulated accounts share one bell, so an
   * enqueue anywhere wakes every sender at once; the poll only finds entries that became due on
   * their own (a post held until 08:00, a retry), at most this late.
   */
  idleMs?: number;
  /** when the whole process crashes: "D HH:MM" (day of the month, local time), null for none */
  crashAt?: string | null;
  /** when an account is lost for good: "D HH:MM", null for none */
  loseAt?: string | null;
  /** stop the run at this local time of the last day ("HH:MM"), without draining (the bench's day) */
  stopAt?: string;
  /** the outbox is drained for at most this many days after the last day */
  drainDays?: number;
  /** progress lines */
  progress?: (line: string) => void;
  /**
   * true: the store fsyncs each commit as the product does. By default it does not: the simulated
   * crash is a process crash, which loses nothing the operating system was given (a power cut is
   * not simulated), and the figures are virtual-time, so syncing changes only the run's own time.
   */
  durable?: boolean;
  /** the product's pacing settings, as in the environment (SEND_INTERVAL_MS, SEND_JITTER_MS, SEND_DAILY_CAP) */
  env?: NodeJS.ProcessEnv;
}

export interface CityReport {
  houses: number;
  rooms: number;
  accounts: number;
  days: number;
  pacing: { intervalMs: number; jitterMs: number; roomSwitchMs: number; dailyCap: number; leaseMs: number };
  announcement: {
    rooms: number;
    reached: number;
    /** local time the last room heard it ("D HH:MM"), null when some never did */
    lastAt: string | null;
    minutesAfterNine: number | null;
    by17: number;
  };
  reminders: { entries: number; beforeDeadline: number; after: number; never: number };
  sends: { messages: number; entries: number; replies: number; maxPerMinute: number; maxPer24h: number; minGapMs: number; nightPosts: number };
  perAccount: { account: string; messages: number; maxPerMinute: number; maxPer24h: number; minGapMs: number }[];
  duplicates: number;
  lost: number;
  lostDetail: { sentNotReceived: number; failed: number; unsent: number };
  landlords: { messages: number; unheard: number; committed: number };
  crash: {
    at: string;
    resumedAt: string;
    leased: number;
    waiting: number;
    /** minutes from the crash until the last entry leased to the dead senders was delivered (null: one never was) */
    inFlightOutAfterMin: number | null;
  } | null;
  /**
   * `roomsServed`: the rooms the account bound (it is their first member); `leasesAtLoss`: how many of them it held when lost
   * (fewer when it had handed rooms on while resting, its cap spent); `roomsTakenOver`: those another account serves at the end
   */
  lostAccount: {
    account: string;
    at: string;
    roomsServed: number;
    leasesAtLoss: number;
    roomsTakenOver: number;
    firstSendAfterMin: number | null;
  } | null;
  storeBytes: number;
  runSeconds: number;
  warnings: number;
}

/** local "D HH:MM" of an instant */
const local = (ms: number) => {
  const d = new Date(ms + OFFSET_MS);
  return `${d.getUTCDate()} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
};
const localHour = (ms: number) => new Date(ms + OFFSET_MS).getUTCHours();
const quiet = (ms: number) => localHour(ms) >= 21 || localHour(ms) < 8;

async function load<E>(c: Collection<never>, rows: E[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) await c.insertMany(rows.slice(i, i + 5000) as never[]);
}

/** The city: communities of ~10,000 houses, 10 grids each, rooms of 10 houses, every landlord registered in their room. */
async function buildCity(store: Store, o: { houses: number; accounts: number }): Promise<{ rooms: string[]; primary: (i: number) => number }> {
  const rooms = Math.ceil(o.houses / HOUSES_PER_ROOM);
  const communities = Math.max(1, Math.round(o.houses / 10_000));
  const com = Array.from({ length: communities }, (_, i) => ({ id: newId(), name: `社区${i + 1}` }));
  const grids = com.flatMap((c) => Array.from({ length: 10 }, (_, j) => ({ id: newId(), communityId: c.id, name: `${c.name}第${j + 1}网格` })));
  const primary = (i: number) => i % o.accounts;
  const groups = Array.from({ length: rooms }, (_, i) => {
    const g = grids[Math.floor((i * grids.length) / rooms)]!;
    // the account that bound the room (schedules address its posts to it)
    return { id: newId(), communityId: g.communityId, gridId: g.id, name: `联防${i + 1}组`, headHouseId: null, roomId: roomOf(i), locale: null, botId: accountOf(primary(i)) };
  });
  await load(store.communities as never, com);
  await load(store.grids as never, grids);
  await load(store.groups as never, groups);
  for (let from = 0; from < o.houses; from += 50_000) {
    const n = Math.min(50_000, o.houses - from);
    const ids = Array.from({ length: n }, () => ({ landlord: newId(), contact: newId() }));
    await load(store.landlords as never, ids.map((x, k) => ({ id: x.landlord, name: `房东${from + k + 1}`, phone: `13${String(100_000_000 + from + k).slice(-9)}`, sms: null })));
    await load(store.contacts as never, ids.map((x, k) => ({ id: x.contact, wechatId: landlordOf(from + k), name: `房东${from + k + 1}`, landlordId: x.landlord, userId: null, locale: null })));
    await load(
      store.houses as never,
      ids.map((x, k) => {
        const i = from + k;
        const g = groups[Math.floor(i / HOUSES_PER_ROOM)]!;
        return { code: `H${String(i + 1).padStart(7, '0')}`, address: `城南路${i + 1}号`, communityId: g.communityId, gridId: g.gridId, groupId: g.id, landlordId: x.landlord, contactId: x.contact, pendingContactId: null, holderLeftAt: null, tenants: i % 7 === 0 ? 12 : 4, rooms: 3, isKey: i % 7 === 0 };
      }),
    );
  }
  return { rooms: groups.map((g) => g.roomId), primary };
}

const roomOf = (i: number) => `room-${i}@chatroom`;
const roomIndex = (roomId: string) => Number(roomId.slice(5, roomId.indexOf('@')));
const accountOf = (k: number) => `wxid_bot${k}`;
const landlordOf = (h: number) => `wxid_landlord${h}`;

/** One simulated bot process: its account, its world object, its room keeper and its paced sender. */
interface Proc {
  account: string;
  deps: Deps;
  keeper: RoomKeeper;
  actor: Actor;
}

/** What WeChat saw: every message, by the outbox entries it carries. */
interface Seen {
  /** entry key → times delivered */
  delivered: Map<string, number>;
  /** entry key → first delivery (ms) */
  firstAt: Map<string, number>;
  messages: number;
  entries: number;
  replies: number;
  nightPosts: number;
  perAccount: Map<string, { messages: number; window: number[]; day: number[]; maxPerMinute: number; maxPer24h: number; last: number | null; minGap: number }>;
}

export async function simulateCity(o: CityOptions): Promise<CityReport> {
  const started = performance.now();
  const progress = o.progress ?? (() => undefined);
  const month = o.month ?? '2027-03';
  const [y, m] = month.split('-').map(Number) as [number, number];
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const days = Math.min(o.days ?? daysInMonth, daysInMonth);
  const dayStart = (d: number) => zonedInstant(`${month}-${String(d).padStart(2, '0')}`, '00:00:00', TZ).getTime();
  const at = (spec: string) => {
    const [d, hm] = spec.split(' ') as [string, string];
    return dayStart(Number(d)) + Number(hm.slice(0, 2)) * HOUR + Number(hm.slice(3, 5)) * MINUTE;
  };
  const monthStart = dayStart(1);
  const end = o.stopAt ? at(`${days} ${o.stopAt}`) : dayStart(days) + DAY;
  const leaseMs = o.leaseMs ?? 60_000;
  const idleMs = o.idleMs ?? 60_000;
  const random = seeded(o.seed ?? 29);
  const config = loadConfig({ ...(o.env ?? {}), WECHATY_PUPPET: 'wechaty-puppet-wechat4u', TZ, DATA_DIR: o.dataDir });
  const pacing = wechatPacing(config);
  const vt = new VirtualTime(new Date(monthStart));
  const t = createTranslator('zh-CN');
  let warnings = 0;
  const log = pino(
    { level: 'warn' },
    {
      write: (line: string) => {
        warnings += 1;
        if (warnings <= 5) progress(`  (log) ${line.slice(0, 300).trim()}`);
      },
    },
  );

  mkdirSync(o.dataDir, { recursive: true });
  let store: Store = createSqliteStore({ dataDir: o.dataDir, durable: o.durable ?? false });
  const world0 = createDeps({ store, clock: vt.clock, log, timeZone: TZ, t, locale: 'zh-CN' });
  await ensureDefaults(world0);
  await ensureDefaultSchedules(world0);
  const city = await buildCity(store, { houses: o.houses, accounts: o.accounts });
  const R = city.rooms.length;
  /** which accounts are in each room (what WeChat knows): the room's own account and the next one */
  const membersOf = (i: number) => (o.accounts > 1 ? [city.primary(i), (city.primary(i) + 1) % o.accounts] : [0]).map(accountOf);
  const roomsOf = (k: number) => city.rooms.filter((_, i) => membersOf(i).includes(accountOf(k)));
  progress(`city built: ${o.houses.toLocaleString('en')} houses, ${R.toLocaleString('en')} rooms, ${o.accounts} accounts (${((performance.now() - started) / 1000).toFixed(1)} s)`);

  // ---- what WeChat sees -------------------------------------------------------------------
  const seen: Seen = { delivered: new Map(), firstAt: new Map(), messages: 0, entries: 0, replies: 0, nightPosts: 0, perAccount: new Map() };
  const announcedAt = new Map<string, number>();
  const lostAccounts = new Set<string>();
  const committed = new Set<string>();
  const asked = new Set<string>();
  const landlordStats = { messages: 0, unheard: 0 };
  // the account lost mid-month, its rooms, and the first message another account sent to one of them
  const victim = accountOf(o.accounts - 1);
  const victimRooms = new Set(city.rooms.filter((_, i) => accountOf(city.primary(i)) === victim));
  const lostAt = o.loseAt && o.accounts > 1 ? at(o.loseAt) : 0;
  let firstAfterLoss: number | null = null;

  function record(account: string, entry: OutboxEntry, keys: string[]): void {
    const now = vt.now;
    seen.messages += 1;
    seen.entries += keys.length;
    if (lostAt && now >= lostAt && entry.roomId && firstAfterLoss === null && victimRooms.has(entry.roomId)) firstAfterLoss = now;
    if (entry.priority === PRIORITY.reply) seen.replies += 1;
    else if (quiet(now)) seen.nightPosts += 1;
    for (const k of keys) {
      seen.delivered.set(k, (seen.delivered.get(k) ?? 0) + 1);
      if (!seen.firstAt.has(k)) seen.firstAt.set(k, now);
    }
    let a = seen.perAccount.get(account);
    if (!a) seen.perAccount.set(account, (a = { messages: 0, window: [], day: [], maxPerMinute: 0, maxPer24h: 0, last: null, minGap: Infinity }));
    a.messages += 1;
    if (a.last !== null) a.minGap = Math.min(a.minGap, now - a.last);
    a.last = now;
    a.window.push(now);
    while (a.window[0]! <= now - MINUTE) a.window.shift();
    a.maxPerMinute = Math.max(a.maxPerMinute, a.window.length);
    a.day.push(now);
    let drop = 0;
    while (a.day[drop]! <= now - DAY) drop += 1;
    if (drop) a.day.splice(0, drop);
    a.maxPer24h = Math.max(a.maxPer24h, a.day.length);
  }

  /** The landlords of a room hear what the bot posted there. */
  function hear(roomId: string, keys: string[], mentions: readonly string[]): void {
    const i = roomIndex(roomId);
    const now = vt.now;
    if (keys.some((k) => k.startsWith('announce:')) && !announcedAt.has(roomId)) {
      announcedAt.set(roomId, now);
      for (let h = i * HOUSES_PER_ROOM; h < Math.min(o.houses, (i + 1) * HOUSES_PER_ROOM); h += 1) {
        // a good half answer the announcement, within hours; some never read the group at all
        const r = random();
        if (r < 0.55) later(roomId, landlordOf(h), now + humanDelay(90));
        else if (r < 0.88) asked.add(landlordOf(h));
      }
    }
    if (keys.some((k) => k.startsWith('schedule:deadline-reminders:'))) {
      for (const who of mentions) if (asked.has(who) && !committed.has(who) && random() < 0.6) later(roomId, who, now + humanDelay(45));
    }
  }

  /** a person's delay: log-normal around `medianMin` minutes, and nobody writes at night */
  function humanDelay(medianMin: number): number {
    const u = Math.max(1e-9, random());
    const v = random();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(20_000, Math.round(medianMin * MINUTE * Math.exp(0.9 * z)));
  }
  const awake = (ms: number) => (quiet(ms) ? nextMorning(ms) + Math.floor(random() * 3 * HOUR) : ms);
  const nextMorning = (ms: number) => {
    const d = Math.floor((ms + OFFSET_MS) / DAY) * DAY - OFFSET_MS;
    return localHour(ms) >= 21 ? d + DAY + 8 * HOUR : d + 8 * HOUR;
  };

  function later(roomId: string, who: string, when: number): void {
    asked.delete(who);
    const t0 = awake(when);
    if (t0 >= end) return;
    vt.at(t0, () => speak(roomId, who, 0));
  }

  /** `我承诺` in the room: every live member account hears it; the one serving the room answers (the bot door's path). */
  async function speak(roomId: string, who: string, attempt: number): Promise<void> {
    if (committed.has(who)) return;
    landlordStats.messages += 1;
    const messageId = `msg-${who}-${attempt}`;
    for (const p of procs) {
      if (!membersOf(roomIndex(roomId)).includes(p.account)) continue;
      if (!(await p.keeper.serve(roomId))) continue;
      const { deps } = p;
      const group = await groupOfRoom(deps, roomId);
      const speaker = await resolveSpeaker(deps, { group }, who, who);
      await handleOnce(deps, messageId, async () => {
        const r = await commit(deps, { speaker, messageId });
        const tally = r.groups[0]!;
        const codes = r.houses.filter((h) => h.isNew).map((h) => h.code);
        const text = codes.length
          ? t('bot:commit.done', { lng: 'zh-CN', version: r.letterVersion, committed: tally.committed, total: tally.total, codes: codes.join('、') })
          : t('bot:commit.already', { lng: 'zh-CN', version: r.letterVersion, committed: tally.committed, total: tally.total, codes: r.houses.map((h) => h.code).join('、') });
        await enqueue(deps, [{ key: `reply:${messageId}`, account: p.account, priority: PRIORITY.reply, notBefore: deps.clock.now(), text, roomId, mentions: [who] }]);
        return true;
      });
      committed.add(who);
      return;
    }
    // nobody answered (the serving process is down and its lease still runs): said again later
    landlordStats.unheard += 1;
    if (attempt < 5) {
      const when = awake(vt.now + 30 * MINUTE + Math.floor(random() * 30 * MINUTE));
      if (when < end) vt.at(when, () => speak(roomId, who, attempt + 1));
    }
  }

  // ---- the processes ----------------------------------------------------------------------
  let procs: Proc[] = [];
  /** every keeper made, the dead ones too: their (unused, unref'd) timers are cleared at the end */
  const keepers: RoomKeeper[] = [];
  let hub = vt.bellHub();
  let generation = 0;

  function startProc(k: number): Proc {
    const account = accountOf(k);
    const actor = vt.actor();
    const deps = createDeps({ store, clock: vt.clock, log, timeZone: TZ, t, locale: 'zh-CN', bell: hub.bellFor(actor, account) });
    const worker = `proc-${k}-${generation}`;
    // the keeper's own timer is never used: the simulation ticks every keeper, every third of the lease
    // (as main.ts: while the account's sender rests, capped or cooling, its rooms shared with another member go to that member;
    // the keeper is first asked once both are made)
    const keeper = createRoomKeeper(deps, { worker, leaseMs, everyMs: 2_147_483_647, resting: () => sender.resting() });
    keepers.push(keeper);
    const port = {
      async send(entry: OutboxEntry): Promise<void> {
        if (lostAccounts.has(account)) throw new Error('logged out');
        if (entry.roomId && !membersOf(roomIndex(entry.roomId)).includes(account)) throw new Error(`${account} is not in room ${entry.roomId}`);
        // the message's identity: the entries it carries (a post merged with others for its room carries several)
        const carried = entry.roomId
          ? await deps.store.outbox.find({ roomId: entry.roomId, status: 'sending', leasedBy: entry.leasedBy, account: entry.account })
          : [];
        const keys = [entry.key, ...carried.filter((e) => e.id !== entry.id && entry.text.includes(e.text)).map((e) => e.key)];
        record(account, entry, keys);
        if (entry.roomId) hear(entry.roomId, keys, entry.mentions);
      },
    };
    const sender = createOutboxWorker(
      deps,
      port,
      { ...pacing, account, worker, serves: keeper.serves, roomLeaseMs: leaseMs, idleMs, random },
      (ms) => actor.sleep(ms),
    );
    sender.start();
    return { account, deps, keeper, actor };
  }

  async function startWorld(): Promise<void> {
    procs = [];
    for (let k = 0; k < o.accounts; k += 1) if (!lostAccounts.has(accountOf(k))) procs.push(startProc(k));
    // each account logs in with the rooms it bound (so the rooms are spread as they were bound); the
    // rooms it is a second member of are recorded after all have started (WeChat's room list holds
    // both: the product takes whatever free room it is in, so the first account up would take all)
    for (const p of procs) await p.keeper.start(p.account, city.rooms.filter((_, i) => accountOf(city.primary(i)) === p.account));
    for (const p of procs) await recordMembership(p.deps, p.account, roomsOf(Number(p.account.slice(8))));
  }

  await startWorld();

  // the keepers renew together, every third of the lease (their writes share commits, as separate processes' would not)
  let keeping = true;
  const keeperTick = () => {
    vt.at(vt.now + Math.floor(leaseMs / 3), async () => {
      if (!keeping) return;
      await Promise.all(procs.map((p) => p.keeper.tick()));
      keeperTick();
    });
  };
  keeperTick();

  // the scheduler: node-cron ticks every minute and runDueSchedules asks the store what is due; the
  // simulation ticks at the first minute something is due (a tick that finds nothing does nothing)
  const lastScheduled = o.stopAt ? end : dayStart(days) + DAY;
  const schedulerTick = async (): Promise<void> => {
    // (while the process is down, its minute ticks find nobody to run them)
    const next = procs.length ? await store.schedules.findOne({ enabled: true }, { nextRunAt: 1 }) : null;
    const when = next ? Math.max(vt.now + 1, Math.ceil(next.nextRunAt.getTime() / MINUTE) * MINUTE) : vt.now + MINUTE;
    if (when >= lastScheduled) return;
    vt.at(when, async () => {
      // the scheduler runs in every process; the store's compare-and-set makes each run happen once
      for (const p of procs.slice(0, 2)) await runDueSchedules(p.deps);
      await schedulerTick();
    });
  };
  await schedulerTick();

  let crash: CityReport['crash'] = null;
  /** the entries leased to the senders the crash killed */
  let inFlightKeys: string[] = [];
  if (o.crashAt) {
    const crashAt = at(o.crashAt);
    vt.at(crashAt, async () => {
      // kill -9 between two event-loop turns: nothing in memory survives; the store is what is left
      for (const p of procs) p.actor.kill();
      procs = [];
      const inFlight = await store.outbox.count({ status: 'sending' });
      inFlightKeys = (await store.outbox.find({ status: 'sending' }, { fields: ['key'] })).map((e) => e.key);
      const waiting = await store.outbox.count({ status: 'pending' });
      await store.close();
      progress(`  crash at ${local(vt.now)}: the process is gone (${inFlight} entries leased to its senders, ${waiting} waiting); restarting from the store`);
      vt.at(vt.now + 30_000, async () => {
        generation += 1;
        hub = vt.bellHub();
        store = createSqliteStore({ dataDir: o.dataDir, durable: o.durable ?? false });
        await startWorld();
        crash = { at: local(crashAt), resumedAt: local(vt.now), leased: inFlight, waiting, inFlightOutAfterMin: null };
      });
    });
  }

  let lostAccount: CityReport['lostAccount'] = null;
  if (lostAt) {
    vt.at(lostAt, async () => {
      // the account is banned and its process gone: nobody renews its leases
      lostAccounts.add(victim);
      const p = procs.find((x) => x.account === victim);
      p?.actor.kill();
      procs = procs.filter((x) => x !== p);
      const held = await store.roomLeases.count({ account: victim });
      lostAccount = { account: victim, at: local(lostAt), roomsServed: victimRooms.size, leasesAtLoss: held, roomsTakenOver: 0, firstSendAfterMin: null };
      progress(`  account ${victim} lost at ${local(lostAt)} (it served ${victimRooms.size} rooms, ${held} of them under its lease then)`);
    });
  }

  // ---- run --------------------------------------------------------------------------------
  let lastDay = 0;
  await vt.run(end, () => {
    const d = Math.floor((vt.now - monthStart) / DAY) + 1;
    if (d !== lastDay && d <= days) {
      lastDay = d;
      progress(`day ${d}: ${seen.messages.toLocaleString('en')} messages so far, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  });
  // the month is over: no new schedules or landlords; what is queued goes out (paced, with its daily cap)
  if (!o.stopAt) {
    const limit = end + (o.drainDays ?? 5) * DAY;
    while (vt.now < limit && (await store.outbox.count({ status: { in: ['pending', 'sending'] } })) > 0) await vt.run(vt.now + HOUR);
  }
  keeping = false;
  for (const p of procs) p.actor.kill();

  // ---- the figures ------------------------------------------------------------------------
  const entries = await store.outbox.find({}, { fields: ['key', 'status', 'roomId', 'account'] });
  let duplicates = 0;
  for (const n of seen.delivered.values()) if (n > 1) duplicates += n - 1;
  const lostDetail = { sentNotReceived: 0, failed: 0, unsent: 0 };
  for (const e of entries) {
    const got = seen.delivered.get(e.key) ?? 0;
    if (e.status === 'sent' && got === 0) lostDetail.sentNotReceived += 1;
    else if (e.status === 'failed') lostDetail.failed += 1;
    else if ((e.status === 'pending' || e.status === 'sending') && got === 0 && !o.stopAt) lostDetail.unsent += 1;
  }
  const rounds = await store.rounds.find({});
  const deadline = rounds[0]?.deadline.getTime() ?? Infinity;
  const reminders = entries.filter((e) => e.key.startsWith('schedule:deadline-reminders:'));
  const remindedAt = reminders.map((e) => seen.firstAt.get(e.key));
  const nine = monthStart + 9 * HOUR;
  const times = [...announcedAt.values()];
  const last = times.length === R ? Math.max(...times) : null;
  if (crash) {
    const c = crash as NonNullable<CityReport['crash']>;
    const outAt = inFlightKeys.map((k) => seen.firstAt.get(k));
    const crashedAt = at(o.crashAt!);
    c.inFlightOutAfterMin = outAt.some((x) => x === undefined) ? null : Math.round((Math.max(crashedAt, ...(outAt as number[])) - crashedAt) / MINUTE);
  }
  if (lostAccount) {
    const la = lostAccount as NonNullable<CityReport['lostAccount']>;
    la.roomsTakenOver = await store.roomLeases.count({ roomId: { in: [...victimRooms] }, account: { ne: la.account } });
    la.firstSendAfterMin = firstAfterLoss === null ? null : Math.round((firstAfterLoss - lostAt) / MINUTE);
  }
  const perAccount = [...seen.perAccount.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([account, a]) => ({ account, messages: a.messages, maxPerMinute: a.maxPerMinute, maxPer24h: a.maxPer24h, minGapMs: Number.isFinite(a.minGap) ? a.minGap : 0 }));
  // (a dead keeper's store is closed: its stop only clears its timer)
  await Promise.all(keepers.map((k) => k.stop().catch(() => undefined)));
  await store.close();
  return {
    houses: o.houses,
    rooms: R,
    accounts: o.accounts,
    days,
    pacing: { intervalMs: pacing.intervalMs, jitterMs: pacing.jitterMs, roomSwitchMs: pacing.roomSwitchMs, dailyCap: pacing.dailyCap, leaseMs },
    announcement: {
      rooms: R,
      reached: announcedAt.size,
      lastAt: last === null ? null : local(last),
      minutesAfterNine: last === null ? null : Math.round((last - nine) / MINUTE),
      by17: times.filter((x) => x <= monthStart + 17 * HOUR).length,
    },
    reminders: {
      entries: reminders.length,
      beforeDeadline: remindedAt.filter((x) => x !== undefined && x < deadline).length,
      after: remindedAt.filter((x) => x !== undefined && x >= deadline).length,
      never: remindedAt.filter((x) => x === undefined).length,
    },
    sends: {
      messages: seen.messages,
      entries: seen.entries,
      replies: seen.replies,
      maxPerMinute: Math.max(0, ...perAccount.map((a) => a.maxPerMinute)),
      maxPer24h: Math.max(0, ...perAccount.map((a) => a.maxPer24h)),
      minGapMs: perAccount.length ? Math.min(...perAccount.filter((a) => a.messages > 1).map((a) => a.minGapMs)) : 0,
      nightPosts: seen.nightPosts,
    },
    perAccount,
    duplicates,
    lost: lostDetail.sentNotReceived + lostDetail.failed + lostDetail.unsent,
    lostDetail,
    landlords: { ...landlordStats, committed: committed.size },
    crash,
    lostAccount,
    storeBytes: folderBytes(o.dataDir),
    runSeconds: (performance.now() - started) / 1000,
    warnings,
  };
}

function folderBytes(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, f.name);
    n += f.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return n;
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;

/** The report as lines for a terminal. */
export function describeCity(r: CityReport): string {
  const a = r.announcement;
  return [
    `sim:city — ${r.houses.toLocaleString('en')} houses, ${r.rooms.toLocaleString('en')} rooms, ${r.accounts} accounts, ${r.days} days (SQLite on disk)`,
    `  pacing (the product's): ${r.pacing.intervalMs / 1000} s + 0–${r.pacing.jitterMs / 1000} s apart, +${r.pacing.roomSwitchMs / 1000} s between rooms, ${r.pacing.dailyCap} a day per account; room lease ${r.pacing.leaseMs / 1000} s`,
    `  09:00 announcement: ${a.reached.toLocaleString('en')}/${a.rooms.toLocaleString('en')} rooms; last at ${a.lastAt ?? 'never'}${a.minutesAfterNine === null ? '' : ` (${a.minutesAfterNine} min after 09:00)`}; by 17:00 ${a.by17.toLocaleString('en')}`,
    `  deadline reminders: ${r.reminders.beforeDeadline}/${r.reminders.entries} delivered before the deadline (${r.reminders.after} after, ${r.reminders.never} never)`,
    `  sends: ${r.sends.messages.toLocaleString('en')} messages carrying ${r.sends.entries.toLocaleString('en')} outbox entries (${r.sends.replies.toLocaleString('en')} replies); per account at most ${r.sends.maxPerMinute} in a minute, ${r.sends.maxPer24h} in 24 h, never closer than ${(r.sends.minGapMs / 1000).toFixed(1)} s; ${r.sends.nightPosts} posts between 21:00 and 08:00`,
    `  per account: ${r.perAccount.map((x) => `${x.account} ${x.messages} (≤${x.maxPerMinute}/min)`).join(', ')}`,
    `  duplicates ${r.duplicates}, lost ${r.lost} (sent but never received ${r.lostDetail.sentNotReceived}, failed ${r.lostDetail.failed}, never sent ${r.lostDetail.unsent})`,
    `  landlords: ${r.landlords.messages.toLocaleString('en')} messages, ${r.landlords.committed.toLocaleString('en')} committed, ${r.landlords.unheard} said while no process served their room (said again later)`,
    `  crash: ${r.crash ? `at ${r.crash.at} with ${r.crash.leased} entries leased to the dead senders (all out ${r.crash.inFlightOutAfterMin ?? 'never'} min later) and ${r.crash.waiting} waiting, resumed ${r.crash.resumedAt}` : 'none'}; lost account: ${r.lostAccount ? `${r.lostAccount.account} at ${r.lostAccount.at}, ${r.lostAccount.roomsTakenOver}/${r.lostAccount.roomsServed} of its rooms taken over (${r.lostAccount.leasesAtLoss} under its lease when lost), first post there ${r.lostAccount.firstSendAfterMin ?? '-'} min later` : 'none'}`,
    `  store ${mb(r.storeBytes)}; run ${r.runSeconds.toFixed(1)} s; ${r.warnings} warnings logged`,
  ].join('\n');
}

async function main(): Promise<void> {
  const env = process.env;
  const own = !env.DATA_DIR;
  const dataDir = env.DATA_DIR ? path.resolve(env.DATA_DIR) : mkdtempSync(path.join(os.tmpdir(), 'anxin-sim-city-'));
  try {
    const r = await simulateCity({
      houses: Number(env.SIM_HOUSES ?? 10_000),
      accounts: Number(env.SIM_ACCOUNTS ?? 6),
      month: env.SIM_MONTH,
      days: env.SIM_DAYS ? Number(env.SIM_DAYS) : undefined,
      stopAt: env.SIM_STOP,
      dataDir,
      seed: env.SIM_SEED ? Number(env.SIM_SEED) : undefined,
      leaseMs: Number(env.SIM_LEASE_MS ?? 2 * 3_600_000),
      durable: env.SIM_DURABLE === '1',
      idleMs: env.SIM_IDLE_MS ? Number(env.SIM_IDLE_MS) : undefined,
      crashAt: env.SIM_CRASH === 'none' ? null : (env.SIM_CRASH ?? '17 10:01'),
      loseAt: env.SIM_LOSE === 'none' ? null : (env.SIM_LOSE ?? '19 10:01'),
      env,
      progress: (line) => process.stdout.write(`${line}\n`),
    });
    process.stdout.write(`${describeCity(r)}\n`);
    if (r.duplicates || r.lost) process.exitCode = 1;
  } finally {
    if (own) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
}
