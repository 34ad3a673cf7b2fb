/**
 * The app as `npm start` serves it, over an existing data folder, in a process of its own — so
 * bench:figures measures the server's memory (peak RSS) without the benchmark's. Prints
 * `PORT n`, then `PEAK n` (bytes) when it receives SIGTERM. KEPT=0: the kept figures switched
 * off (every /stats after a write recounts, as before issue 29); SIGUSR2: the verifying recount
 * runs here, then `VERIFIED ms places loop-max-ms` is printed.
 */
import { createDeps } from '../../src/services/create-deps';
import { createTranslator } from '../../src/i18n';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { systemClock } from '../../src/domain/clock';
import { createApp } from '../../src/http/create-app';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';

(async () => {
  const store = createSqliteStore({ dataDir: process.env.DATA_DIR! });
  if (process.env.KEPT === '0') (store as { kept?: unknown }).kept = undefined;
  process.on('SIGUSR1', () => {
    const c = process.cpuUsage();
    process.stdout.write(`CPU ${Math.round((c.user + c.system) / 1000)}\n`);
  });
  process.on('SIGUSR2', () => {
    // the event loop's worst delay while the recount runs (in the worker): what any request waited on it
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    void store.kept?.verify().then((v) => {
      loop.disable();
      process.stdout.write(`VERIFIED ${Math.round(v.ms)} ${v.drift.length} ${Math.round(loop.max / 1e6)}\n`);
    });
  });
  const deps = createDeps({ store, clock: systemClock, log: pino({ level: 'silent' }), timeZone: 'Asia/Shanghai', t: createTranslator('zh-CN'), locale: 'zh-CN' });
  const app = createApp({ ...deps, demo: false, botStatus: () => ({ puppet: 'none', loggedIn: false }) });
  let peak = process.memoryUsage().rss;
  setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20).unref();
  const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${(server.address() as AddressInfo).port} START ${process.memoryUsage().rss}\n`));
  process.on('SIGTERM', () => { process.stdout.write(`PEAK ${peak}\n`); process.exit(0); });
})();
