import Router from '@koa/router';
import type { AppOptions, AppState } from '../context';
import type { StorageHealth } from '../storage-health';

/** `GET /healthz` → `{ok, storage, puppet, loggedIn}`; 503 when the store does not answer or cannot write. */
export function healthRoutes(o: AppOptions, health?: StorageHealth): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', async (ctx) => {
    const ok = (await o.store.ping().catch(() => false)) && ((await health?.writable()) ?? true);
    const bot = o.botStatus();
    ctx.status = ok ? 200 : 503;
    ctx.body = { ok, storage: o.store.kind, puppet: bot.puppet, loggedIn: bot.loggedIn, demo: o.demo };
  });
  return router;
}
