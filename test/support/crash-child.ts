/**
 * A broadcasting process for the crash test: 200 bound rooms, one broadcast, and the
 * real outbox worker sending through a port that logs each step, fsynced, to SEND_LOG:
 *   begin KEY   the send starts
 *   sent KEY    WeChat has the message (the point of no return)
 *   done KEY    the outbox has recorded it as sent
 * It prints READY once set up and exits 0 when nothing is left to send.
 */
import { createDeps } from '../../src/services/create-deps';
import { createTranslator } from '../../src/i18n';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import pino from 'pino';
import { fixedClock, systemClock } from '../../src/domain/clock';
import { ensureDefaultSchedules, runDueSchedules } from '../../src/scheduler/schedule-runner';
import { createOutboxWorker } from '../../src/scheduler/outbox-worker';
import { broadcast } from '../../src/services/sending/broadcast';
import { enqueue } from '../../src/services/sending/outbox';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';

const ROOMS = 200;

function append(file: string, line: string): void {
  const fd = openSync(file, 'a');
  try { writeSync(fd, `${line}\n`); fsyncSync(fd); } finally { closeSync(fd); }
}

/**
 * MODE=schedule: the store's default schedule run once at the instant NOW (as if the
 * process had been down until then), over 200 bound rooms; prints READY, then RAN.
 */
async function scheduleMode(): Promise<void> {
  const store = createSqliteStore({ dataDir: process.env.DATA_DIR! });
  const clock = fixedClock(process.env.NOW!);
  const deps = createDeps({ store, clock, log: pino({ level: 'silent' }), timeZone: 'Asia/Shanghai', t: createTranslator('zh-CN'), locale: 'zh-CN' });
  if ((await store.groups.count({})) === 0) {
    const c = await store.communities.insert({ name: '测试社区' });
    const g = await store.grids.insert({ communityId: c.id, name: '测试网格' });
    await store.groups.insertMany(Array.from({ length: ROOMS }, (_, i) => ({
      communityId: c.id, gridId: g.id, name: `联防${i}组`, headHouseId: null, roomId: `room-${i}@chatroom`, locale: null, botId: 'bot',
    })));
    clock.set(process.env.SETUP_AT ?? process.env.NOW!);
    await ensureDefaultSchedules(deps);
    clock.set(process.env.NOW!);
  }
  process.stdout.write('READY\n');
  await runDueSchedules(deps);
  process.stdout.write('RAN\n');
  await store.close();
  process.exit(0);
}

/**
 * MODE=unit: a message's record and its reply, written the way the bot does (inside
 * `atomically` when ATOMIC=1, else one after the other). With STOP=after-mark the process
 * prints MARKED after the message id is written and hangs there — a crash before the reply;
 * with STOP=after-unit it prints DONE once both are written and hangs.
 */
async function unitMode(): Promise<void> {
  const store = createSqliteStore({ dataDir: process.env.DATA_DIR! });
  const deps = createDeps({ store, clock: systemClock, log: pino({ level: 'silent' }), timeZone: 'Asia/Shanghai', t: createTranslator('zh-CN'), locale: 'zh-CN' });
  const hang = () => new Promise<never>(() => { /* the kill comes here */ });
  const handle = async () => {
    await store.markProcessed('msg-1', 'message');
    if (process.env.STOP === 'after-mark') { process.stdout.write('MARKED\n'); await hang(); }
    await enqueue(deps, [{ key: 'reply:msg-1', text: '收到', roomId: 'room-1@chatroom' }]);
  };
  await (process.env.ATOMIC === '1' ? store.atomically(handle) : handle());
  process.stdout.write('DONE\n');
  await hang();
}

async function main(): Promise<void> {
  if (process.env.MODE === 'schedule') return scheduleMode();
  if (process.env.MODE === 'unit') return unitMode();
  const log = process.env.SEND_LOG!;
  const store = createSqliteStore({ dataDir: process.env.DATA_DIR! });
  const deps = createDeps({ store, clock: systemClock, log: pino({ level: 'silent' }), timeZone: 'Asia/Shanghai', t: createTranslator('zh-CN'), locale: 'zh-CN' });
  if ((await store.broadcasts.count({})) === 0) {
    const c = await store.communities.insert({ name: '测试社区' });
    const g = await store.grids.insert({ communityId: c.id, name: '测试网格' });
    await store.groups.insertMany(Array.from({ length: ROOMS }, (_, i) => ({
      communityId: c.id, gridId: g.id, name: `联防${i}组`, headHouseId: null, roomId: `room-${i}@chatroom`, locale: null, botId: 'bot',
    })));
    await broadcast(deps, { text: '冬季消防安全提醒', scope: 'street', by: 'crash-test' });
  }
  append(log, `run ${process.pid}`);
  process.stdout.write('READY\n');
  const worker = createOutboxWorker(deps, {
    async send(entry) {
      append(log, `begin ${entry.key}`);
      await new Promise((r) => setTimeout(r, Number(process.env.SEND_DELAY_MS ?? 2)));
      append(log, `sent ${entry.key}`);
    },
  }, {
    account: 'bot', worker: String(process.pid), intervalMs: 0, jitterMs: 0, roomSwitchMs: 0, dailyCap: 100_000,
    tooFrequentPauseMs: 0, leaseMs: Number(process.env.LEASE_MS ?? 300), idleMs: 20,
    afterSent: (entry) => append(log, `done ${entry.key}`),
  }, (ms) => new Promise((r) => setTimeout(r, ms)));
  for (;;) {
    const r = await worker.runOnce();
    if (r !== 'idle') continue;
    const left = await store.outbox.count({ status: { in: ['pending', 'sending'] } });
    if (left === 0) break;
    await new Promise((res) => setTimeout(res, 50)); // a dead sender's lease is still running
  }
  await store.close();
  process.exit(0);
}

main().catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
