/**
 * npm run bench:bot — the bot's whole pipeline (parse, store, reply) on the mock puppet
 * against bare Wechaty dispatch of the same messages, in the same run. Target: ≥ 0.8 of bare.
 *
 * Three listeners, each in its own Wechaty on its own mock puppet, answer the same commands:
 * - bare: answers every message with a fixed text straight through Wechaty — the Wechaty
 *   work (event, payload, send) and nothing else;
 * - floor: only what SPEC §4 demands of any reply before domain work — the message id
 *   recorded with the reply persisted in the outbox (one atomic, fsynced unit), sent by the outbox worker and
 *   marked sent (SQLite, fsync). No parsing, no reads, no rendering;
 * - ours: the real AnxinPlugin with the demo street's data.
 * They run in alternating rounds (so JIT warm-up and GC favour none of them) and the median
 * round of each is reported. BENCH_CPU_PROFILE=file writes a V8 profile of our last round.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Message, Wechaty, WechatyPlugin } from 'wechaty';
import type { mock } from 'wechaty-puppet-mock';
import { AnxinPlugin } from '../../bots/anxin-plugin';
import { createBot } from '../../bots/create-bot';
import { createDemoPuppet } from '../../bots/demo-puppet';
import { createWechatySendPort } from '../../bots/wechaty-send-port';
import { systemClock } from '../../src/domain/clock';
import { createI18n } from '../../src/i18n';
import { createOutboxWorker } from '../../src/scheduler/outbox-worker';
import type { Deps } from '../../src/services/deps';
import { ensureDefaults } from '../../src/services/ensure-defaults';
import { enqueue, PRIORITY } from '../../src/services/outbox';
import { seedDemo } from '../../src/services/seed-demo';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Store } from '../../src/storage/store';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TARGET_RATIO = 0.8;
const TEXTS = ['我承诺', '进度', '帮助', 'I commit'];
const log = pino({ level: 'silent' });

interface World { name: string; demo: ReturnType<typeof createDemoPuppet>; bot: Wechaty; room: mock.RoomMock; people: mock.ContactMock[]; stop(): Promise<void> }

async function world(name: string, plugin: WechatyPlugin): Promise<World> {
  const demo = createDemoPuppet();
  const bot = createBot({ name, puppet: demo.puppet, puppetName: 'wechaty-puppet-mock', log, plugins: [plugin] });
  await bot.start();
  const self = demo.login();
  const people = Array.from({ length: 10 }, (_, i) => demo.mocker.createContact({ name: `房东${i}` }));
  const room = demo.mocker.createRoom({ topic: name, memberIdList: [self.id, ...people.map((p) => p.id)] });
  return { name, demo, bot: bot.wechaty, room, people, stop: () => bot.stop() };
}

/** Replies go out through the persisted outbox, as in production (unpaced: the bench measures our work, not the pacing). */
function startWorker(w: World, deps: Deps) {
  const worker = createOutboxWorker(deps, createWechatySendPort(w.bot, deps.store), {
    account: w.bot.currentUser.id, worker: w.name, intervalMs: 0, jitterMs: 0, roomSwitchMs: 0, dailyCap: 1_000_000, tooFrequentPauseMs: 0, leaseMs: 60_000, idleMs: 5,
  }, (ms) => new Promise((r) => setTimeout(r, ms)));
  worker.start();
  return worker;
}

/** Sends MESSAGES commands and resolves when the bot has sent as many replies: messages per second. */
async function run(w: World): Promise<number> {
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
    w.people[i % w.people.length]!.say(TEXTS[i % TEXTS.length]).to(w.room);
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
  await done;
  const rate = MESSAGES / ((performance.now() - t0) / 1000);
  w.demo.puppet.off('message', listener!);
  return rate;
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

async function main(): Promise<void> {
  const dirs: string[] = [];
  const storeIn = (): Store => { const d = mkdtempSync(path.join(os.tmpdir(), 'anxin-bench-bot-')); dirs.push(d); return createSqliteStore({ dataDir: d }); };
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  try {
    const bare = await world('bare', (bot) => { bot.on('message', async (msg: Message) => { if (!msg.self()) await msg.room()!.say('ok'); }); });

    const floorDeps: Deps = { store: storeIn(), clock: systemClock, log, timeZone: 'Asia/Shanghai' };
    const floor = await world('floor', (bot) => {
      bot.on('message', async (msg: Message) => {
        if (msg.self()) return;
        await floorDeps.store.atomically(async () => {
          if (!(await floorDeps.store.markProcessed(msg.id, 'message'))) return;
          await enqueue(floorDeps, [{ key: `reply:${msg.id}`, account: bot.currentUser.id, priority: PRIORITY.reply, text: 'ok', roomId: msg.room()!.id }]);
        });
      });
    });
    const floorWorker = startWorker(floor, floorDeps);

    const store = storeIn();
    const deps: Deps = { store, clock: systemClock, log, timeZone: 'Asia/Shanghai' };
    const i18n = await createI18n('zh-CN');
    await ensureDefaults(deps, i18n.t.bind(i18n));
    await seedDemo(deps);
    const ours = await world('pipeline', AnxinPlugin({ deps, t: i18n.t.bind(i18n), locale: 'zh-CN' }));
    const group = (await store.groups.findOne({}))!;
    await store.groups.update(group.id, { roomId: ours.room.id, botId: ours.bot.currentUser.id });
    const houses = await store.houses.find({ groupId: group.id }, { sort: { code: 1 } });
    for (const [i, h] of houses.entries()) {
      const c = await store.contacts.insert({ wechatId: ours.people[i]!.id, name: `房东${i}`, landlordId: h.landlordId, userId: null, locale: null });
      await store.houses.update(h.id, { contactId: c.id });
    }
    const oursWorker = startWorker(ours, deps);

    const rates = { bare: [] as number[], floor: [] as number[], ours: [] as number[] };
    for (let round = 0; round < ROUNDS; round += 1) {
      rates.bare.push(await run(bare));
      rates.floor.push(await run(floor));
      rates.ours.push(await profiled(round === ROUNDS - 1 ? process.env.BENCH_CPU_PROFILE : undefined, () => run(ours)));
    }
    const processed = await store.processedMessages.count({});
    const queued = await store.outbox.count({ status: 'sent' });
    await Promise.all([floorWorker.stop(), oursWorker.stop()]);
    await Promise.all([bare.stop(), floor.stop(), ours.stop()]);
    await Promise.all([store.close(), floorDeps.store.close()]);

    const [b, f, o] = [median(rates.bare), median(rates.floor), median(rates.ours)];
    const ratio = o / b;
    const fmt = (r: number) => `${Math.round(r).toLocaleString('en').padStart(6)} msg/s`;
    process.stdout.write([
      `bench:bot — ${MESSAGES.toLocaleString('en')} group commands (${TEXTS.join(' / ')}) through Wechaty on the mock puppet, median of ${ROUNDS} alternating rounds, Node ${process.version}`,
      `  bare dispatch   ${fmt(b)}  (Wechaty event → listener → room.say, nothing else)`,
      `  floor           ${fmt(f)}  ratio ${(f / b).toFixed(2)}  (SPEC §4's minimum per reply: id recorded, reply persisted in the outbox, sent, marked sent; SQLite with fsync)`,
      `  our pipeline    ${fmt(o)}  (parse, domain reads and writes, i18n, the same outbox; ${processed} messages recorded, ${queued} replies sent)`,
      `  ratio           ${ratio.toFixed(2)}  target ≥ ${TARGET_RATIO}  ${ratio >= TARGET_RATIO ? 'OK' : 'BELOW TARGET'}  (ours / floor ${(o / f).toFixed(2)})`,
      `  peak RSS        ${(peak / 1024 / 1024).toFixed(0)} MB`,
    ].join('\n') + '\n');
  } finally {
    clearInterval(sampler);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
