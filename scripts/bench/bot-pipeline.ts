/**
 * npm run bench:bot — the bot's whole pipeline on the mock puppet over a street of
 * BENCH_HOUSES houses (default 10,000: 1,000 group rooms of ten landlords), in one run:
 *
 * Throughput, three listeners answering the same commands spread over all rooms:
 * - bare: answers every message with a fixed text straight through Wechaty — the Wechaty
 *   work (event, payload, send) and nothing else;
 * - floor: only what the SPEC demands of any reply before domain work — messages of a room
 *   in order (one lane per room, as SPEC §3 requires), the message id recorded with the
 *   reply persisted in the outbox (one atomic, fsynced unit), sent by the outbox worker and
 *   marked sent. No parsing, no reads, no rendering;
 * - ours: the real AnxinPlugin, every landlord registered.
 * They run in alternating rounds (JIT warm-up and GC favour none) and the median round of
 * each is reported. Target: ours ≥ 0.8 of floor, as the median of the rounds' ratios (each
 * round's floor and ours run back to back: the disk's fsync time, which wanders from minute
 * to minute, moves both). Throughput is counted to the last reply
 * sent; the sender records each send durably before the next (so a crash repeats at most
 * one), which bounds floor and ours alike at one commit per reply when unpaced. The
 * "handling only" line counts to the last message recorded instead, sends excluded: the
 * cost of our domain work beside the floor's. (The old "≥ 0.8 of bare" target is retired:
 * the floor shows that durable, ordered handling alone costs about half of bare dispatch.)
 *
 * Latency: messages offered to ours at BENCH_RATE per second (default 50) for
 * BENCH_LATENCY_S seconds, each timed from its receipt to the call that sends its reply
 * (unpaced sending). Target: p99 < 50 ms. BENCH_CPU_PROFILE=file profiles our last round;
 * BENCH_TEXTS=进度 (comma-separated) sends only those commands, to weigh one against the floor.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { types, type Message, type Wechaty, type WechatyPlugin } from 'wechaty';
import type { mock } from 'wechaty-puppet-mock';
import { AnxinPlugin } from '../../bots/anxin-plugin';
import { createLanes } from '../../bots/conversation-lanes';
import { createBot } from '../../bots/create-bot';
import { createDemoPuppet } from '../../bots/demo-puppet';
import { createWechatySendPort } from '../../bots/wechaty-send-port';
import { isKeyHouse } from '../../src/domain/checklist';
import { understand } from '../../src/domain/understand';
import { CORPUS } from '../../test/fixtures/phrasings-corpus';
import { systemClock } from '../../src/domain/clock';
import type { RosterRow } from '../../src/domain/roster';
import { createTranslator } from '../../src/i18n';
import { createOutboxWorker, type SendPort } from '../../src/scheduler/outbox-worker';
import { createDeps } from '../../src/services/create-deps';
import type { Deps } from '../../src/services/deps';
import { ensureDefaults } from '../../src/services/setup/ensure-defaults';
import { importRoster } from '../../src/services/roster/import-roster';
import { enqueue, PRIORITY } from '../../src/services/sending/outbox';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Store } from '../../src/storage/store';

const HOUSES = Number(process.env.BENCH_HOUSES ?? 10_000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const LATENCY_S = Number(process.env.BENCH_LATENCY_S ?? 10);
const TARGET_RATIO = 0.8;
const TARGET_P99_MS = 50;
const TARGET_UNDERSTAND_US = 50;
const TEXTS = process.env.BENCH_TEXTS ? process.env.BENCH_TEXTS.split(',') : ['我承诺', '进度', '帮助', 'I commit'];
const log = pino({ level: 'silent' });
const ROOMS = Math.ceil(HOUSES / 10);

interface World { name: string; demo: ReturnType<typeof createDemoPuppet>; bot: Wechaty; rooms: mock.RoomMock[]; people: mock.ContactMock[]; stop(): Promise<void> }

async function world(name: string, plugin: WechatyPlugin): Promise<World> {
  const demo = createDemoPuppet();
  const bot = createBot({ name, puppet: demo.puppet, puppetName: 'wechaty-puppet-mock', log, plugins: [plugin] });
  await bot.start();
  const self = demo.login();
  const people = Array.from({ length: HOUSES }, (_, i) => demo.mocker.createContact({ name: `房东${i}` }));
  const rooms = Array.from({ length: ROOMS }, (_, r) => demo.mocker.createRoom({ topic: `${name}-${r}`, memberIdList: [self.id, ...people.slice(r * 10, r * 10 + 10).map((p) => p.id)] }));
  return { name, demo, bot: bot.wechaty, rooms, people, stop: () => bot.stop() };
}

/** Person p says `text` in their room, as WeChat delivers it; returns the message id. */
function say(w: World, p: number, text: string): string {
  const id = `bench-${randomUUID()}`;
  w.demo.mocker.MessageMock.create({ id, talkerId: w.people[p]!.id, roomId: w.rooms[Math.floor(p / 10)]!.id, text, type: types.Message.Text, mentionIdList: [], timestamp: Date.now() });
  w.demo.puppet.emit('message', { messageId: id });
  return id;
}

/** Replies go out through the persisted outbox, as in production (unpaced: the bench measures our work, not the pacing). */
function startWorker(w: World, deps: Deps, port?: SendPort) {
  const worker = createOutboxWorker(deps, port ?? createWechatySendPort(w.bot, deps.store), {
    account: w.bot.currentUser.id, worker: w.name, intervalMs: 0, jitterMs: 0, roomSwitchMs: 0, dailyCap: 10_000_000, tooFrequentPauseMs: 0, leaseMs: 60_000, idleMs: 1000,
  }, (ms) => new Promise((r) => setTimeout(r, ms)));
  worker.start();
  return worker;
}

let seed = 7;
const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };

/**
 * Sends MESSAGES commands from random landlords and resolves when the bot has sent as many
 * replies: messages per second. With `recorded` (how many messages the store holds as handled),
 * also the rate at which they were handled — recorded with their replies queued, sends excluded.
 */
async function run(w: World, recorded?: () => Promise<number>): Promise<{ rate: number; handled?: number }> {
  const base = recorded ? await recorded() : 0;
  let replies = 0;
  const selfId = w.bot.currentUser.id;
  let listener: ((e: { messageId: string }) => void) | undefined;
  const done = new Promise<void>((resolve) => {
    listener = ({ messageId }) => {
      if ((w.demo.mocker.messagePayload(messageId) as { talkerId: string }).talkerId === selfId && ++replies === MESSAGES) resolve();
    };
    w.demo.puppet.on('message', listener);
  });
  const t0 = performance.now();
  for (let i = 0; i < MESSAGES; i += 1) {
    say(w, rand(HOUSES), TEXTS[i % TEXTS.length]!);
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
  let handledAt: number | undefined;
  if (recorded) {
    // polled (an indexed count every 5 ms), beside the replies going out
    const watch = (async () => {
      while ((await recorded()) < base + MESSAGES) await new Promise((r) => setTimeout(r, 5));
      handledAt = performance.now();
    })();
    await Promise.all([done, watch]);
  } else await done;
  const rate = MESSAGES / ((performance.now() - t0) / 1000);
  w.demo.puppet.off('message', listener!);
  return { rate, ...(handledAt ? { handled: MESSAGES / ((handledAt - t0) / 1000) } : {}) };
}

async function profiled<R>(file: string | undefined, fn: () => Promise<R>): Promise<R> {
  if (!file) return fn();
  const session = new inspector.Session();
  session.connect();
  const post = (method: string) => new Promise<unknown>((resolve, reject) => session.post(method, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.start');
  const result = await fn();
  const { profile } = (await post('Profiler.stop')) as { profile: unknown };
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
  return result;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

/** The street: HOUSES houses in groups of ten, ten groups to a grid, ten grids to a community. */
function street(): RosterRow[] {
  return Array.from({ length: HOUSES }, (_, i) => ({
    row: i + 2, community: `社区${Math.floor(i / 1000)}`, grid: `社区${Math.floor(i / 1000)}第${Math.floor(i / 100)}网格`, group: `网格${Math.floor(i / 100)}联防${Math.floor(i / 10)}组`,
    houseCode: `B${String(i).padStart(6, '0')}`, address: `新村路${i % 500}号`, landlord: `房东${i}`, phone: `1${String(3000000000 + i)}`,
    tenants: i % 16, rooms: 1 + (i % 9), head: i % 10 === 2, isKey: isKeyHouse(i % 16),
  }));
}

/**
 * The understanding step alone (issue 25: under 50 µs a message), over the phrasing corpus
 * (greetings, commitments, questions, forwarded articles): the first pass (each character's
 * simplified form and pinyin looked up for the first time) and the median of warm passes.
 */
function understandingCost(): { cold: number; warm: number; n: number } {
  const texts = CORPUS.flatMap(([, lines]) => lines.map(([t, , a]) => [t, a === '@'] as const));
  const pass = () => {
    const t0 = performance.now();
    for (const [t, addressed] of texts) understand(t, { addressed });
    return ((performance.now() - t0) * 1000) / texts.length;
  };
  const cold = pass();
  const warm = median(Array.from({ length: 50 }, pass));
  return { cold, warm, n: texts.length };
}

async function main(): Promise<void> {
  const words = understandingCost();
  const dirs: string[] = [];
  const storeIn = (): Store => { const d = mkdtempSync(path.join(os.tmpdir(), 'anxin-bench-bot-')); dirs.push(d); return createSqliteStore({ dataDir: d }); };
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  try {
    const bare = await world('bare', (bot) => { bot.on('message', async (msg: Message) => { if (!msg.self()) await msg.room()!.say('ok'); }); });

    const floorDeps: Deps = createDeps({ store: storeIn(), clock: systemClock, log, timeZone: 'Asia/Shanghai', t: createTranslator('zh-CN'), locale: 'zh-CN' });
    const floorLanes = createLanes();
    const floor = await world('floor', (bot) => {
      bot.on('message', (msg: Message) => {
        if (msg.self()) return;
        const roomId = msg.room()!.id;
        void floorLanes.run(roomId, () => floorDeps.store.atomically(async () => {
          if (!(await floorDeps.store.markProcessed(msg.id, 'message'))) return;
          await enqueue(floorDeps, [{ key: `reply:${msg.id}`, account: bot.currentUser.id, priority: PRIORITY.reply, text: 'ok', roomId }]);
        }));
      });
    });
    const floorWorker = startWorker(floor, floorDeps);

    const store = storeIn();
    const deps: Deps = createDeps({ store, clock: systemClock, log, timeZone: 'Asia/Shanghai', t: createTranslator('zh-CN'), locale: 'zh-CN' });
    await ensureDefaults(deps);
    await importRoster(deps, { rows: street(), errors: [] }, { actor: 'bench' });
    const ours = await world('pipeline', AnxinPlugin({ deps }));
    // every room bound to its group, every landlord registered (writes in chunks share commits)
    const groups = await store.groups.find({}, { sort: { name: 1 } });
    const byName = new Map(groups.map((g) => [g.name, g]));
    for (let r = 0; r < ROOMS; r += 1) await store.groups.update(byName.get(`网格${Math.floor(r / 10)}联防${r}组`)!.id, { roomId: ours.rooms[r]!.id, botId: ours.bot.currentUser.id });
    const houses = new Map((await store.houses.find({})).map((h) => [h.code, h]));
    for (let i = 0; i < HOUSES; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, HOUSES - i) }, async (_, k) => {
        const h = houses.get(`B${String(i + k).padStart(6, '0')}`)!;
        const c = await store.contacts.insert({ wechatId: ours.people[i + k]!.id, name: `房东${i + k}`, landlordId: h.landlordId, userId: null, locale: null });
        await store.houses.update(h.id, { contactId: c.id });
      }));
    }
    const sendAt = new Map<string, number>();
    const inner = createWechatySendPort(ours.bot, store);
    const oursWorker = startWorker(ours, deps, { send: (entry) => { sendAt.set(entry.key, performance.now()); return inner.send(entry); } });

    const rates = { bare: [] as number[], floor: [] as number[], ours: [] as number[] };
    const handled = { floor: [] as number[], ours: [] as number[] };
    for (let round = 0; round < ROUNDS; round += 1) {
      rates.bare.push((await run(bare)).rate);
      const f = await run(floor, () => floorDeps.store.processedMessages.count({}));
      rates.floor.push(f.rate);
      handled.floor.push(f.handled!);
      const o = await profiled(round === ROUNDS - 1 ? process.env.BENCH_CPU_PROFILE : undefined, () => run(ours, () => store.processedMessages.count({})));
      rates.ours.push(o.rate);
      handled.ours.push(o.handled!);
    }

    // latency: offered at RATE per second, receipt → send call
    const offered = new Map<string, number>();
    const t0 = performance.now();
    const count = Math.round(RATE * LATENCY_S);
    for (let i = 0; i < count; i += 1) {
      const wait = t0 + (i * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      offered.set(`reply:${say(ours, rand(HOUSES), TEXTS[i % TEXTS.length]!)}`, performance.now());
    }
    while ([...offered.keys()].some((k) => !sendAt.has(k))) await new Promise((r) => setTimeout(r, 20));
    const latencies = [...offered].map(([k, at]) => sendAt.get(k)! - at);

    const processed = await store.processedMessages.count({});
    const queued = await store.outbox.count({ status: 'sent' });
    await Promise.all([floorWorker.stop(), oursWorker.stop()]);
    await Promise.all([bare.stop(), floor.stop(), ours.stop()]);
    await Promise.all([store.close(), floorDeps.store.close()]);

    const [b, f, o] = [median(rates.bare), median(rates.floor), median(rates.ours)];
    // the ratio of each round's pair (run back to back, on the same disk weather), then their median:
    // this disk's fsync time wanders by ±20 % from minute to minute, and moves floor and ours together
    const ratios = rates.ours.map((r, i) => r / rates.floor[i]!);
    const ratio = median(ratios);
    const [p50, p99] = [pct(latencies, 0.5), pct(latencies, 0.99)];
    const fmt = (r: number) => `${Math.round(r).toLocaleString('en').padStart(6)} msg/s`;
    process.stdout.write([
      `bench:bot — ${HOUSES.toLocaleString('en')} houses in ${ROOMS.toLocaleString('en')} rooms; ${MESSAGES.toLocaleString('en')} group commands (${TEXTS.join(' / ')}) from random landlords, median of ${ROUNDS} alternating rounds, Node ${process.version}`,
      `  bare dispatch   ${fmt(b)}  (Wechaty event → listener → room.say, nothing else)`,
      `  floor           ${fmt(f)}  ${(f / b).toFixed(2)} of bare  (per room in order; id and reply in one fsynced unit through the outbox, sent, marked sent)`,
      `  our pipeline    ${fmt(o)}  ${(o / b).toFixed(2)} of bare  (parse, domain reads and writes, i18n, the same outbox; ${processed} messages recorded, ${queued} replies sent)`,
      `  ours / floor    ${ratio.toFixed(2)}  target ≥ ${TARGET_RATIO}  ${ratio >= TARGET_RATIO ? 'OK' : 'BELOW TARGET'}  (median of the rounds' ratios: ${ratios.map((r) => r.toFixed(2)).join(' ')})`,
      `  handling only   floor ${fmt(median(handled.floor))}  ours ${fmt(median(handled.ours))}  ours / floor ${(median(handled.ours) / median(handled.floor)).toFixed(2)}  (until every message is recorded with its reply queued; the sends after it excluded)`,
      `  reply latency   p50 ${p50.toFixed(1)} ms  p99 ${p99.toFixed(1)} ms  target p99 < ${TARGET_P99_MS} ms  ${p99 < TARGET_P99_MS ? 'OK' : 'ABOVE TARGET'}  (${count} messages offered at ${RATE}/s, receipt → send call, unpaced)`,
      `  understanding   ${words.warm.toFixed(1)} µs/message  target < ${TARGET_UNDERSTAND_US} µs  ${words.warm < TARGET_UNDERSTAND_US ? 'OK' : 'ABOVE TARGET'}  (the phrasing corpus, ${words.n} messages, median of 50 passes; first pass ${words.cold.toFixed(1)} µs)`,
      `  peak RSS        ${(peak / 1024 / 1024).toFixed(0)} MB`,
    ].join('\n') + '\n');
  } finally {
    clearInterval(sampler);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
