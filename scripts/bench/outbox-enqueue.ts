/**
 * npm run bench:outbox — plans one broadcast to 100,000 bound rooms (a delivery record and
 * an outbox entry each, in a fresh SQLite store) and reports the time to enqueue against
 * the 5 s target, and the memory it takes.
 */
import { createDeps } from '../../src/services/create-deps';
import { createTranslator } from '../../src/i18n';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { systemClock } from '../../src/domain/clock';
import { broadcast } from '../../src/services/sending/broadcast';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';

const ROOMS = Number(process.env.BENCH_ROOMS ?? 100_000);
const TARGET_S = 5;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anxin-bench-outbox-'));
  try {
    const store = createSqliteStore({ dataDir: dir });
    const deps = createDeps({ store, clock: systemClock, log: pino({ level: 'silent' }), timeZone: 'Asia/Shanghai', t: createTranslator('zh-CN'), locale: 'zh-CN' });
    const c = await store.communities.insert({ name: '基准社区' });
    const g = await store.grids.insert({ communityId: c.id, name: '基准网格' });
    for (let i = 0; i < ROOMS; i += 10_000) {
      await store.groups.insertMany(Array.from({ length: Math.min(10_000, ROOMS - i) }, (_, j) => ({
        communityId: c.id, gridId: g.id, name: `联防${i + j}组`, headHouseId: null, roomId: `room-${i + j}@chatroom`, locale: null, botId: `bot-${(i + j) % 20}`,
      })));
    }
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
    const t0 = performance.now();
    const r = await broadcast(deps, { text: '春节期间烟花爆竹燃放安全提醒', scope: 'street', by: 'bench' });
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const queued = await store.outbox.count({ status: 'pending' });
    await store.close();
    process.stdout.write([
      `bench:outbox — one broadcast to ${ROOMS.toLocaleString('en')} bound rooms (SQLite, ${os.cpus().length} cores, Node ${process.version})`,
      `  enqueue          ${seconds.toFixed(2)} s  (${r.rooms.toLocaleString('en')} deliveries, ${queued.toLocaleString('en')} outbox entries)  target < ${TARGET_S} s  ratio ${(seconds / TARGET_S).toFixed(2)}  ${seconds < TARGET_S ? 'OK' : 'ABOVE TARGET'}`,
      `  memory           +${((peak - rssBefore) / 1024 / 1024).toFixed(0)} MB while planning (peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB)`,
    ].join('\n') + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
