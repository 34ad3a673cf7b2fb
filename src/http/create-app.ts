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
import { storageHealth } from './storage-health';
import { bindCodeRoutes } from './routes/bind-codes';
import { apiDocsRoutes } from './routes/api-docs';
import { securityHeaders } from './security-headers';
import { botRoutes } from './routes/bot';
import { broadcastRoutes } from './routes/broadcasts';
import { hazardRoutes } from './routes/hazards';
import { healthRoutes } from './routes/health';
import { houseRoutes } from './routes/houses';
import { placardPageRoutes } from './routes/placard-page';
import { pointRoutes } from './routes/points';
import { importRoutes } from './routes/imports';
import { resourceRoutes } from './routes/records';
import { letterRoutes } from './routes/letters';
import { photoRoutes } from './routes/photos';
import { roundRoutes } from './routes/rounds';
import { scheduleRoutes } from './routes/schedules';
import { simRoutes } from './routes/sim';
import { tipRoutes } from './routes/tips';
import { userRoutes } from './routes/users';
import { openSessionRoutes, sessionRoutes } from './routes/session';
import { RouteTable, type RouteSpec } from './route-table';
import { statsRoutes } from './routes/stats';

const VERSION = (JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/** The Koa app, without listening: tests drive `app.callback()`, main.ts listens. */
export function createApp(o: AppOptions): Koa<AppState> & { routeTable: RouteSpec[] } {
  const app = new Koa<AppState>();
  app.proxy = true;
  // a client's address is the one the nearest proxy saw: the last X-Forwarded-For entry (nginx's
  // $proxy_add_x_forwarded_for appends it); entries a client wrote before it are not believed, so the
  // per-address limits (sign-in, the public report page) are not passed by writing a new address each time
  app.maxIpsCount = 1;
  const health = storageHealth(o.store);
  app.use(securityHeaders);
  app.use(errorMiddleware(o.t, o.log, o.locale, health));
  app.use(async (ctx, next) => {
    const start = performance.now();
    await next();
    // path only: query strings and bodies may carry personal data
    o.log.debug({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - start) }, 'http');
  });
  app.use(rejectOperators('query'));

  // the API's routes as data: the router, openapi.json and the permission matrix test all read this table
  const api = new RouteTable();
  api.router.use(requireToken(o));
  api.router.use(bodyParser({ enableTypes: ['json'], jsonLimit: '1mb', encoding: 'utf-8' }));
  api.router.use(rejectOperators('body'));
  for (const add of [
    resourceRoutes,
    statsRoutes,
    importRoutes,
    bindCodeRoutes,
    roundRoutes,
    letterRoutes,
    photoRoutes,
    broadcastRoutes,
    scheduleRoutes,
    botRoutes,
    hazardRoutes,
    pointRoutes,
    tipRoutes,
    userRoutes,
    sessionRoutes,
    houseRoutes,
  ])
    add(o, api);
  const sim = o.sim ? simRoutes(o, o.sim) : null;
  const routeTable: RouteSpec[] = [...api.specs, ...(sim?.specs ?? [])];

  const dashboard = staticDashboard(path.join(projectRoot(), 'dist', 'web'));
  if (dashboard) app.use(dashboard.assets);

  const open = new Router<AppState>();
  open.use(healthRoutes(o, health).routes());
  open.use(apiDocsRoutes().routes());
  open.use(openSessionRoutes(o).routes());
  open.get('/api/v1/openapi.json', (ctx) => {
    ctx.body = openApiDocument(VERSION, routeTable);
  });
  open.get('/', (ctx) => {
    if (dashboard) {
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = dashboard.index;
      return;
    }
    const lng =
      ctx.query.lng === 'en' || ctx.query.lng === 'zh-CN' ? ctx.query.lng : pickLocale(ctx.get('accept-language') || undefined, o.locale);
    ctx.type = 'html';
    ctx.body = landingPage(o.t, lng, o.demo);
  });
  app.use(open.routes()).use(open.allowedMethods());
  // 一户一码: the placard's public page, with no sign-in (issue 27)
  const placards = placardPageRoutes(o);
  app.use(placards.routes()).use(placards.allowedMethods());
  if (sim) app.use(sim.router.routes()).use(sim.router.allowedMethods());
  app.use(api.router.routes()).use(api.router.allowedMethods());
  return Object.assign(app, { routeTable });
}
