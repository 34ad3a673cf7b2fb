/**
 * One bot process of the several-accounts test (test/e2e/accounts.test.ts): the real bot
 * (Wechaty + our plugin + its room keeper) logged in as ACCOUNT on the mock puppet, whose
 * WeChat has the thirty rooms of accounts-plan.ts, over the SQLite store in DATA_DIR; the
 * real outbox worker sends through the Wechaty send port, wrapped to log each step, fsynced,
 * to SEND_LOG (and to stdout) with the time:
 *   begin KEY ROOM MS   the send starts
 *   sent KEY ROOM MS    WeChat (the mock) has the message
 *   done KEY ROOM MS    the outbox has recorded it as sent
 * Prints LOADED once loaded, logs in on `login`, and prints READY once logged in with its rooms
 * recorded and the free ones taken. Then reads commands on stdin: `schedule` (runs the due schedules at the instant SCHEDULE_NOW), `say ROOM ID TEXT`
 * (the landlord says TEXT in ROOM, as message ID; prints `handled ID KEY|null` once it is
 * done), `stop` (stops and exits 0).
 */
import { createDeps } from '../../src/services/create-deps';
import { createTranslator } from '../../src/i18n';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { types } from 'wechaty';
import { mock } from 'wechaty-puppet-mock';
import { AnxinPlugin } from '../../bots/anxin-plugin';
import { createBot } from '../../bots/create-bot';
import { DemoPuppet } from '../../bots/demo-puppet';
import { createWechatySendPort } from '../../bots/wechaty-send-port';
import { fixedClock, systemClock } from '../../src/domain/clock';
import { createOutboxWorker } from '../../src/scheduler/outbox-worker';
import { runDueSchedules } from '../../src/scheduler/schedule-runner';
import { createBell } from '../../src/services/sending/bell';
import { createRoomKeeper } from '../../src/services/sending/rooms';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { ACCOUNTS, LANDLORD, membersOf, roomId, ROOMS, wxid, type Account } from './accounts-plan';

const env = (k: string) => { const v = process.env[k]; if (!v) throw new Error(`${k} missing`); return v; };
const account = env('ACCOUNT') as Account;
const logFile = env('SEND_LOG');
const roomLeaseMs = Number(env('ROOM_LEASE_MS'));
const leaseMs = Number(env('LEASE_MS'));
const sendDelayMs = Number(process.env.SEND_DELAY_MS ?? 0);

function log(line: string): void {
  const fd = openSync(logFile, 'a');
  try { writeSync(fd, `${line}\n`); fsyncSync(fd); } finally { closeSync(fd); }
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const store = createSqliteStore({ dataDir: env('DATA_DIR') });
  const silent = pino({ level: 'silent' });
  const bell = createBell();
  const deps = createDeps({ store, clock: systemClock, log: silent, timeZone: 'Asia/Shanghai', bell, t: createTranslator('zh-CN'), locale: 'zh-CN' });
  const worker = `${account}-${process.pid}`;
  const rooms = createRoomKeeper(deps, { worker, leaseMs: roomLeaseMs, everyMs: Math.floor(roomLeaseMs / 4) });

  // this account's WeChat: the three accounts, a landlord, and the thirty rooms as they are
  const mocker = new mock.Mocker();
  const puppet = new DemoPuppet({ mocker });
  const contacts = Object.fromEntries(ACCOUNTS.map((a) => [a, mocker.createContact({ id: wxid(a), name: `安心房东${a}` })]));
  mocker.createContact({ id: LANDLORD, name: '房东' });
  for (let i = 0; i < ROOMS; i += 1) mocker.createRoom({ id: roomId(i), topic: `联防${i}组`, memberIdList: [...membersOf(i).map(wxid), LANDLORD] });

  const plugin = AnxinPlugin({
    deps, rooms,
    onHandled: (id, key) => process.stdout.write(`handled ${id} ${key ?? 'null'}\n`),
  });
  const bot = createBot({ name: `accounts-${account}-${process.pid}`, puppet, puppetName: 'wechaty-puppet-mock', log: silent, plugins: [plugin] });
  // loaded: the account logs in when told (so a test can load processes ahead and log them in in order)
  const commands = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  process.stdout.write('LOADED\n');
  if ((await commands.next()).value?.trim() !== 'login') return;
  await bot.start();
  mocker.login(contacts[account]!);
  await rooms.ready;

  const port = createWechatySendPort(bot.wechaty, store);
  const outbox = createOutboxWorker(deps, {
    async send(entry) {
      log(`begin ${entry.key} ${entry.roomId} ${Date.now()}`);
      if (sendDelayMs) await new Promise((r) => setTimeout(r, sendDelayMs));
      await port.send(entry);
      log(`sent ${entry.key} ${entry.roomId} ${Date.now()}`);
    },
  }, {
    account: wxid(account), worker, intervalMs: 0, jitterMs: 0, roomSwitchMs: 0, dailyCap: 100_000, tooFrequentPauseMs: 0,
    leaseMs, idleMs: 100, serves: rooms.serves, roomLeaseMs,
    afterSent: (entry) => log(`done ${entry.key} ${entry.roomId} ${Date.now()}`),
  }, (ms) => new Promise((r) => setTimeout(r, ms)));
  outbox.start();
  process.stdout.write('READY\n');

  let stopping = false;
  for (let next = await commands.next(); !next.done; next = await commands.next()) {
    const line = next.value as string;
    const [cmd, ...args] = line.trim().split(' ');
    if (cmd === 'schedule') {
      // as if the clock stood at SCHEDULE_NOW: what is due then runs (once, whichever process gets there)
      await runDueSchedules({ ...deps, clock: fixedClock(env('SCHEDULE_NOW')) });
      bell.ring();
      process.stdout.write('SCHEDULED\n');
    } else if (cmd === 'say') {
      const [room, id, ...text] = args;
      mocker.MessageMock.create({ id: id!, talkerId: LANDLORD, roomId: room!, text: text.join(' '), type: types.Message.Text, timestamp: Date.now(), mentionIdList: [] });
      puppet.emit('message', { messageId: id! });
    } else if (cmd === 'stop') {
      stopping = true;
      break;
    }
  }
  if (!stopping) return; // stdin closed: the parent is gone; the kill will come
  await outbox.stop();
  await bot.stop();
  await rooms.stop();
  await store.close();
  process.exit(0);
}

main().catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
