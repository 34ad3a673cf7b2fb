import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pickLocale } from '../i18n';
import { projectRoot } from '../project-root';
import { requireToken } from './authorize';
import type { AppOptions, AppState } from './context';
import { errorMiddleware } from './error-middleware';
import { landingPage } from './landing-page';
import { staticDashboard } from './static-dashboard';
import { openApiDocument } from './openapi';
import { rejectOperators } from './reject-operators';
import { bindCodeRoutes } from './routes/bind-codes';
import { botRoutes } from './routes/bot';
import { broadcastRoutes } from './routes/broadcasts';
import { hazardRoutes } from './routes/hazards';
import { healthRoutes } from './routes/health';
import { pointRoutes } from './routes/points';
import { importRoutes } from './routes/import-roster';
import { resourceRoutes } from './routes/resources';
import { letterAndPhotoRoutes } from './routes/letters-photos';
import { roundRoutes } from './routes/rounds';
import { scheduleRoutes } from './routes/schedules';
import { simRoutes } from './routes/sim';
import { tipRoutes } from './routes/tips';
import { watchListRoutes } from './routes/watch-list';
import { statsRoutes } from './routes/stats';

const VERSION = (JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/** The Koa app, without listening: tests drive `app.callback()`, main.ts listens. */
export function createApp(o: AppOptions): Koa<AppState> {
  const app = new Koa<AppState>();
  app.proxy = true;
  app.use(errorMiddleware(o.t, o.log, o.locale));
  app.use(async (ctx, next) => {
    const start = performance.now();
    await next();
    // path only: query strings and bodies may carry personal data
    o.log.debug({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - start) }, 'http');
  });
  app.use(rejectOperators('query'));

  const dashboard = staticDashboard(path.join(projectRoot(), 'dist', 'web'));
  if (dashboard) app.use(dashboard.assets);

  const open = new Router<AppState>();
  open.use(healthRoutes(o).routes());
  open.get('/api/v1/openapi.json', (ctx) => { ctx.body = openApiDocument(VERSION); });
  open.get('/', (ctx) => {
    if (dashboard) {
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = dashboard.index;
      return;
    }
    const lng = ctx.query.lng === 'en' || ctx.query.lng === 'zh-CN' ? ctx.query.lng : pickLocale(ctx.get('accept-language') || undefined, o.locale);
    ctx.type = 'html';
    ctx.body = landingPage(o.t, lng, o.demo);
  });
  app.use(open.routes()).use(open.allowedMethods());

  if (o.sim) {
    const sim = simRoutes(o, o.sim);
    app.use(sim.routes()).use(sim.allowedMethods());
  }

  const api = new Router<AppState>({ prefix: '/api/v1' });
  api.use(requireToken(o.store));
  api.use(bodyParser({ enableTypes: ['json'], jsonLimit: '1mb', encoding: 'utf-8' }));
  api.use(rejectOperators('body'));
  // (the watch list answers GET /landlords?watch=1 before the plain list)
  for (const r of [watchListRoutes(o), resourceRoutes(o), statsRoutes(o), importRoutes(o), bindCodeRoutes(o), roundRoutes(o), letterAndPhotoRoutes(o), broadcastRoutes(o), scheduleRoutes(o), botRoutes(o), hazardRoutes(o), pointRoutes(o), tipRoutes(o)]) api.use(r.routes(), r.allowedMethods());
  app.use(api.routes()).use(api.allowedMethods());
  return app;
}
