import Router from '@koa/router';
import type { AppOptions, AppState } from '../context';
import type { StorageHealth } from '../storage-health';

/** `GET /healthz` → `{ok, storage, puppet, loggedIn, figures?}`; 503 when the store does not answer or cannot write. */
export function healthRoutes(o: AppOptions, health?: StorageHealth): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', async (ctx) => {
    const ok = (await o.store.ping().catch(() => false)) && ((await health?.writable()) ?? true);
    const bot = o.botStatus();
    ctx.status = ok ? 200 : 503;
    // the kept figures' month and their last verifying recount: places found drifted (and repaired), and all repairs so far
    const kept = o.store.kept ? await o.store.kept.state().catch(() => null) : null;
    // (nothing said before a month has been kept: the scheduler's first tick keeps one)
    const figures = kept?.period && {
      period: kept.period,
      ready: kept.ready,
      verifiedAt: kept.verifiedAt?.toISOString() ?? null,
      drifted: kept.drifted,
      repairs: kept.repairs,
    };
    ctx.body = { ok, storage: o.store.kind, puppet: bot.puppet, loggedIn: bot.loggedIn, demo: o.demo, ...(figures ? { figures } : {}) };
  });
  return router;
}
