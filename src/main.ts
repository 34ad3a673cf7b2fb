import { once } from 'node:events';
import type { Server } from 'node:http';
import path from 'node:path';
import { AnxinPlugin } from '../bots/anxin-plugin';
import { createBot, type Bot } from '../bots/create-bot';
import { createDemoPuppet } from '../bots/demo-puppet';
import { createSimulator } from '../bots/simulator';
import { createWechatySendPort } from '../bots/wechaty-send-port';
import { ConfigError, loadConfig, type Config } from './config';
import { systemClock } from './domain/clock';
import { DomainError } from './domain/errors';
import { createApp } from './http/create-app';
import { createI18n } from './i18n';
import { createLogger, type Logger } from './log';
import { createDeps } from './services/create-deps';
import { resumeBroadcasts } from './services/sending/broadcast';
import { ensureAdmin } from './services/setup/ensure-admin';
import { ensureDefaults } from './services/setup/ensure-defaults';
import { seedDemo } from './services/setup/seed-demo';
import { createOutboxWorker } from './scheduler/outbox-worker';
import { ROOM_LEASE_MS, wechatPacing } from './scheduler/pacing';
import { startReachWatch } from './scheduler/reach-watch';
import { CHANNEL, createSmsPort, createStaffWebhook, webhookKind } from './services/reach/channels';
import { ensureDefaultSchedules, startScheduler } from './scheduler/schedule-runner';
import { answerClientErrors } from './http/client-error';
import { startRetention } from './services/setup/retention';
import { createRoomKeeper } from './services/sending/rooms';
import { sweepImportTemp } from './services/roster/spawn-roster-worker';
import { preparePdfFont } from './render/pdf/pdf-document';
import { createStore } from './storage/create-store';
import type { Store } from './storage/store';
import type { RouteSpec } from './http/route-table';

export interface Running {
  config: Config;
  server: Server;
  bot: Bot;
  stop(): Promise<void>;
  /** the store and the API's route table, for tests that drive the running app (the typed-client contract test) */
  store: Store;
  routes: readonly RouteSpec[];
  /** the admin token made at this first start (shown once), if one was */
  newAdminToken?: string;
  /** the first admin's dashboard sign-in made at this start (shown once), if it was */
  newAdminPassword?: { username: string; password: string };
}

/** Composes store, services, HTTP and bot from the configuration, and starts them. */
export async function start(config: Config, log: Logger): Promise<Running> {
  const i18n = await createI18n(config.locale);
  const t = i18n.t.bind(i18n);
  // what a killed roster import left in the temp folder (a spooled worksheet)
  sweepImportTemp(true);
  const store = await createStore({
    dataDir: config.dataDir,
    mongodbUri: config.mongodbUri,
    mongodbAllowStandalone: config.mongodbAllowStandalone,
    retentionDays: config.retentionDays,
    warn: (m) => log.warn(m),
  });
  // the one world object: the bot, the API and the schedules share it (and so its bell)
  const deps = createDeps({
    store,
    clock: systemClock,
    log,
    timeZone: config.timeZone,
    t,
    locale: config.locale,
    intentTtlMs: config.intentTtlMinutes * 60_000,
    remindCooldownMs: config.remindCooldownMinutes * 60_000,
    reachPolicy: { backlogAlarm: config.backlogAlarm, failingAfter: 3 },
  });
  await ensureDefaults(deps);
  const admin = await ensureAdmin(deps, { adminToken: config.adminToken, dataDir: config.dataDir });

  if (config.demo && config.demoSeed) {
    const seeded = await seedDemo(deps);
    if (seeded) log.info({ houses: seeded.created }, '已生成演示街道 demo street seeded');
  }

  await ensureDefaultSchedules(deps);
  const resumed = await resumeBroadcasts(deps);
  if (resumed) log.warn({ entries: resumed }, 'broadcast deliveries re-queued after an interrupted start');

  // several accounts may share the store: each room is served by one member account, under a lease
  // (the account's paced sender, made at login below: while it cannot send, rooms another member is in go to that member)
  let worker: ReturnType<typeof createOutboxWorker> | undefined;
  const rooms = createRoomKeeper(deps, { worker: `${process.pid}`, leaseMs: ROOM_LEASE_MS, resting: () => worker?.resting() ?? false });
  const demo = config.demo ? createDemoPuppet() : undefined;
  const puppetName = config.demo ? 'wechaty-puppet-mock' : (config.puppet as string);
  const bot = createBot({
    name: 'anxin-fangdong',
    puppet: demo?.puppet ?? puppetName,
    puppetName,
    puppetToken: config.puppetToken,
    log,
    dataDir: config.dataDir,
    // (demo mode: a handled message's image is dropped from the simulator's memory)
    plugins: [AnxinPlugin({ deps, rooms, onHandled: (id) => sim?.forget(id) })],
  });

  // the account's live record (issue 28): logins and logouts as WeChat tells them
  bot.wechaty.on('login', (user) => deps.reach.loggedIn(user.id, user.name(), deps.clock.now()));
  bot.wechaty.on('logout', () => deps.reach.loggedOut(deps.clock.now()));

  // the demo bot's own contact, once it has logged in (the simulator answers "starting" before)
  const login: { self?: ReturnType<NonNullable<typeof demo>['login']> } = {};
  const sim = demo
    ? createSimulator(demo, () => {
        if (!login.self) throw new DomainError('bad_request', 'bot not logged in yet', { detailKey: 'bot_starting' });
        return login.self;
      })
    : undefined;
  const app = createApp({
    ...deps,
    demo: config.demo,
    botStatus: bot.status,
    channels: {
      staffWebhook: { configured: Boolean(config.staffWebhookUrl), kind: webhookKind(config.staffWebhookUrl) },
      sms: { provider: config.sms?.provider ?? null, fallbackAfterMinutes: config.smsFallbackAfterMinutes, priceFen: config.sms?.priceFen },
    },
    publicUrl: config.publicUrl,
    sim,
    imports: {
      dir: path.join(config.dataDir, 'uploads'),
      maxRows: config.rosterMaxRows,
      timeLimitMs: config.importTimeLimitSeconds * 1000,
    },
  });
  const server = app.listen(config.port, config.host);
  // an idle keep-alive connection is closed by the server only well after any client or proxy
  // (browsers, nginx 60 s, fetch 4 s) would reuse it: Node's 5 s default races a busy client's next
  // request on the same socket, which then fails as ECONNRESET (seen under load in sim-fast)
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  answerClientErrors(server, t);
  await once(server, 'listening');
  // the printed files' CJK font, read and parsed now rather than on the first file someone waits for (issue 27)
  setImmediate(() => {
    preparePdfFont().catch((err: unknown) =>
      log.warn({ err }, 'PDF font not prepared: printed files will fail until fonts-noto-cjk is installed'),
    );
  });

  await bot.start();
  login.self = demo?.login();

  // the one paced sender of this account, made once we know the account (at login);
  // everything posted outside a reply goes through it
  const startWorker = () => {
    if (worker) return;
    worker = createOutboxWorker(
      deps,
      createWechatySendPort(bot.wechaty, store),
      {
        account: bot.wechaty.currentUser.id,
        worker: `${process.pid}`,
        // issue 28: 3–10 s apart at random, a daily cap, and a long silence after "too frequent"
        // (see README "Choosing a WeChat road"); the city simulation paces its accounts the same way
        ...wechatPacing(config),
        live: deps.reach,
        serves: rooms.serves,
      },
      (ms) => new Promise((r) => setTimeout(r, ms)),
    );
    worker.start();
  };
  if (bot.wechaty.isLoggedIn) startWorker();
  else bot.wechaty.once('login', startWorker);

  // the channels under the outbox besides WeChat (issue 28): each its own paced sender of its own entries
  const channelWorker = (account: string, port: { send: (e: import('./domain/types').OutboxEntry) => Promise<void> }, intervalMs: number) =>
    createOutboxWorker(
      deps,
      port,
      {
        account,
        worker: `${process.pid}`,
        intervalMs,
        jitterMs: 0,
        roomSwitchMs: 0,
        dailyCap: 100_000,
        tooFrequentPauseMs: 60_000,
        leaseMs: 60_000,
        idleMs: 5000,
        ownOnly: true,
      },
      (ms) => new Promise((r) => setTimeout(r, ms)),
    );
  const channels = [
    // a group robot takes 20 messages a minute
    ...(config.staffWebhookUrl ? [channelWorker(CHANNEL.staff, createStaffWebhook(config.staffWebhookUrl), 3000)] : []),
    ...(config.sms ? [channelWorker(CHANNEL.sms, createSmsPort(deps, config.sms), 1000)] : []),
  ];
  for (const c of channels) c.start();
  const watch = startReachWatch(deps, {
    everyMs: config.demo ? 2000 : 15_000,
    staffAlarms: Boolean(config.staffWebhookUrl),
    sms: config.sms,
    fallbackAfterMs: config.smsFallbackAfterMinutes * 60_000,
  });

  const scheduler = startScheduler(deps);
  const retention = startRetention(deps, { days: config.retentionDays, transcripts: sim });

  const url = `http://localhost:${config.port}/`;
  log.info({ url, storage: store.kind, puppet: puppetName, demo: config.demo }, `控制台 Dashboard: ${url}`);
  if (admin.source === 'generated')
    log.info(`管理员令牌（仅显示一次，已写入 ${admin.tokenFile}）Admin token (shown once, saved to ${admin.tokenFile}): ${admin.token}`);
  else if (admin.source === 'file' && config.demo && admin.token) log.info(`演示模式管理员令牌 Demo admin token: ${admin.token}`);
  else if (admin.source === 'file') log.info(`管理员令牌见 Admin token in ${admin.tokenFile}`);
  // the dashboard's first sign-in: shown this once (only its hash is kept); the admin is asked to change it
  // (printed on the terminal by main(), never into the log, which may be kept or shipped elsewhere)
  if (admin.password)
    log.info(
      `控制台首次登录的用户名 ${admin.password.username}，密码仅在终端显示一次 Dashboard sign-in: user ${admin.password.username}, the password is printed once on the terminal`,
    );

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('正在停止 shutting down');
      server.close();
      server.closeAllConnections();
      scheduler.stop();
      await retention.stop();
      await watch.stop();
      await worker?.stop();
      await Promise.all(channels.map((c) => c.stop()));
      await bot.stop().catch((err) => log.warn({ err }, 'bot stop failed'));
      // its rooms' other member accounts take them now, not after the lease
      await rooms.stop().catch((err) => log.warn({ err }, 'room leases not ended'));
      await store.close();
    })());
  return {
    config,
    server,
    bot,
    stop,
    store,
    routes: app.routeTable,
    newAdminToken: admin.source === 'generated' ? (admin.token ?? undefined) : undefined,
    newAdminPassword: admin.password,
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  // people at a terminal get readable lines; pipes and containers get JSON
  // pino-pretty is loaded only for a terminal (it is the heaviest of the logger's parts), hence require, not import
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = process.stdout.isTTY ? (require('pino-pretty') as (o: object) => import('pino').DestinationStream) : null;
  const log = createLogger(config.logLevel, pretty?.({ translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }));
  const running = await start(config, log);
  // on its own line too, so it can be copied from a terminal or `docker compose logs`
  if (running.newAdminToken) process.stdout.write(`\nADMIN_TOKEN=${running.newAdminToken}\n\n`);
  if (running.newAdminPassword)
    process.stdout.write(
      `控制台登录（仅显示一次，登录后请修改）Dashboard sign-in (shown once, change it after signing in):\n  用户名 user: ${running.newAdminPassword.username}\n  密码 password: ${running.newAdminPassword.password}\n\n`,
    );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      running.stop().then(
        () => process.exit(0),
        (err) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`启动失败 Start-up failed: ${(err as Error)?.message ?? err}\n`);
    process.exit(1);
  });
}
