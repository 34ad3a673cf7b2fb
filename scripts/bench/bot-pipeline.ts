/**
 * npm run bench:bot — the bot's whole pipeline (parse, store, reply) on the mock puppet
 * against bare Wechaty dispatch of the same messages, in the same run. "Bare" is a
 * listener that answers every message with a fixed text: the same Wechaty work (event,
 * payload, send) without our parsing, storage and rendering. Target: ≥ 0.8 of bare.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Message, Wechaty } from 'wechaty';
import type { mock } from 'wechaty-puppet-mock';
import { AnxinPlugin } from '../../bots/anxin-plugin';
import { createBot } from '../../bots/create-bot';
import { createDemoPuppet } from '../../bots/demo-puppet';
import { createWechatySendPort } from '../../bots/wechaty-send-port';
import { createOutboxWorker } from '../../src/scheduler/outbox-worker';
import { systemClock } from '../../src/domain/clock';
import { createI18n } from '../../src/i18n';
import { ensureDefaults } from '../../src/services/ensure-defaults';
import { seedDemo } from '../../src/services/seed-demo';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const TARGET_RATIO = 0.8;
const TEXTS = ['我承诺', '进度', '帮助', 'I commit'];
const log = pino({ level: 'silent' });

interface World { demo: ReturnType<typeof createDemoPuppet>; bot: Wechaty; room: mock.RoomMock; people: mock.ContactMock[]; stop(): Promise<void> }

async function world(name: string, listener: ((bot: Wechaty) => void) | null, plugin?: Parameters<typeof createBot>[0]['plugins']): Promise<World> {
  const demo = createDemoPuppet();
  const bot = createBot({ name, puppet: demo.puppet, puppetName: 'wechaty-puppet-mock', log, plugins: plugin });
  listener?.(bot.wechaty);
  await bot.start();
  const self = demo.login();
  const people = Array.from({ length: 10 }, (_, i) => demo.mocker.createContact({ name: `房东${i}` }));
  const room = demo.mocker.createRoom({ topic: name, memberIdList: [self.id, ...people.map((p) => p.id)] });
  return { demo, bot: bot.wechaty, room, people, stop: () => bot.stop() };
}

/** Sends MESSAGES commands and resolves when the bot has sent as many replies. */
async function run(w: World): Promise<number> {
  let replies = 0;
  const selfId = w.bot.currentUser.id;
  const done = new Promise<void>((resolve) => {
    w.demo.puppet.on('message', ({ messageId }) => {
      if ((w.demo.mocker.messagePayload(messageId) as { talkerId: string }).talkerId === selfId && ++replies === MESSAGES) resolve();
    });
  });
  const t0 = performance.now();
  for (let i = 0; i < MESSAGES; i += 1) {
    w.people[i % w.people.length]!.say(TEXTS[i % TEXTS.length]).to(w.room);
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
  await done;
  return MESSAGES / ((performance.now() - t0) / 1000);
}

/** BENCH_CPU_PROFILE=file.cpuprofile: a V8 CPU profile of our pipeline's run alone (open it in Chrome DevTools). */
async function profiled<R>(fn: () => Promise<R>): Promise<R> {
  const file = process.env.BENCH_CPU_PROFILE;
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

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anxin-bench-bot-'));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  try {
    const bare = await world('bare', (bot) => bot.on('message', async (msg: Message) => {
      if (msg.self()) return;
      await msg.room()!.say('ok');
    }));
    const bareRate = await run(bare);
    await bare.stop();

    const store = createSqliteStore({ dataDir: dir });
    const deps = { store, clock: systemClock, log, timeZone: 'Asia/Shanghai' };
    const i18n = await createI18n('zh-CN');
    await ensureDefaults(deps, i18n.t.bind(i18n));
    await seedDemo(deps);
    const ours = await world('pipeline', null, [AnxinPlugin({ deps, t: i18n.t.bind(i18n), locale: 'zh-CN' })]);
    const group = (await store.groups.findOne({}))!;
    await store.groups.update(group.id, { roomId: ours.room.id, botId: ours.bot.currentUser.id });
    const houses = await store.houses.find({ groupId: group.id }, { sort: { code: 1 } });
    for (const [i, h] of houses.entries()) {
      const c = await store.contacts.insert({ wechatId: ours.people[i]!.id, name: `房东${i}`, landlordId: h.landlordId, userId: null, locale: null, pendingItem: null });
      await store.houses.update(h.id, { contactId: c.id });
    }
    // replies go out through the persisted outbox, as in production (unpaced here: the bench measures our work, not the pacing)
    const worker = createOutboxWorker(deps, createWechatySendPort(ours.bot, store), {
      account: ours.bot.currentUser.id, worker: 'bench', intervalMs: 0, jitterMs: 0, roomSwitchMs: 0, dailyCap: 1_000_000, tooFrequentPauseMs: 0, leaseMs: 60_000, idleMs: 5,
    }, (ms) => new Promise((r) => setTimeout(r, ms)));
    worker.start();
    const rate = await profiled(() => run(ours));
    const processed = await store.processedMessages.count({});
    await worker.stop();
    await ours.stop();
    await store.close();

    const ratio = rate / bareRate;
    process.stdout.write([
      `bench:bot — ${MESSAGES.toLocaleString('en')} group commands (${TEXTS.join(' / ')}) through Wechaty on the mock puppet`,
      `  bare dispatch   ${Math.round(bareRate).toLocaleString('en')} msg/s`,
      `  our pipeline    ${Math.round(rate).toLocaleString('en')} msg/s  (parse, SQLite store with fsync, reply through the outbox; ${processed} messages recorded)`,
      `  ratio           ${ratio.toFixed(2)}  target ≥ ${TARGET_RATIO}  ${ratio >= TARGET_RATIO ? 'OK' : 'BELOW TARGET'}`,
      `  peak RSS        ${(peak / 1024 / 1024).toFixed(0)} MB`,
    ].join('\n') + '\n');
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
