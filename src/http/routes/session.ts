import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { allowedActions } from '../../domain/policy';
import type { User } from '../../domain/types';
import { authenticate } from '../../services/access/authenticate';
import {
  changeOwnPassword,
  credentialOf,
  endSession,
  sessionUser,
  setPassword,
  signInWithPassword,
  startSession,
} from '../../services/access/passwords';
import { resolveScope } from '../../services/access/resolve-scope';
import { actorOfUser, checkSameOrigin, currentActor, currentUser, SESSION_COOKIE } from '../authorize';
import type { AppOptions, AppState, Ctx } from '../context';
import type { RouteTable } from '../route-table';

const password = z.string().min(8).max(128);
export const signInBody = z.object({ username: z.string().trim().min(1).max(40), password: z.string().min(1).max(128) }).strict();
export const ownPasswordBody = z.object({ current: z.string().min(1).max(128), password }).strict();
export const setPasswordBody = z
  .object({
    username: z
      .string()
      .trim()
      .min(2)
      .max(40)
      .regex(/^[\p{L}\p{N}._@-]+$/u),
    password,
  })
  .partial({ username: true })
  .strict();

/** Who the caller is and what they may do somewhere in their scope: the dashboard offers its pages and buttons from this. */
export async function describeMe(o: AppOptions, user: User) {
  const [level, id] = user.scope.split(':') as ['street' | 'community' | 'grid' | 'group', string | undefined];
  const coll = level === 'community' ? o.store.communities : level === 'grid' ? o.store.grids : level === 'group' ? o.store.groups : null;
  const place = coll && id ? await (coll as typeof o.store.grids).get(id) : null;
  const actions = allowedActions(actorOfUser(user, await resolveScope(o.store, user.scope)));
  const cred = await credentialOf(o, user.id);
  return {
    id: user.id,
    name: user.name,
    role: user.role,
    scope: user.scope,
    scopeName: place?.name ?? null,
    actions,
    username: cred?.username ?? null,
    mustChangePassword: cred?.mustChange ?? false,
    /** the street's time zone: the dashboard shows times in it */
    timeZone: o.timeZone,
  };
}

/**
 * `POST /api/v1/session`: signing in with a user name and password (no token yet, so outside
 * the route table). The answer sets the session cookie: httpOnly, SameSite=Strict, for the API's
 * paths only, Secure over HTTPS, ending with the session (12 hours).
 */
export function openSessionRoutes(o: AppOptions): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  router.post('/session', bodyParser({ enableTypes: ['json'], jsonLimit: '16kb', encoding: 'utf-8' }), async (ctx) => {
    // a sign-in form posted from another site (login CSRF) is refused; scripts send no Origin
    if (ctx.get('origin') || ctx.get('sec-fetch-site')) checkSameOrigin(ctx);
    // an API token in the browser's token form is exchanged for a session (the page never keeps it)
    const bearer = ctx.get('authorization');
    const s = bearer
      ? await (async () => {
          const user = await authenticate(o.store, bearer);
          return { user, ...(await startSession(o, user)) };
        })()
      : await (async () => {
          const b = signInBody.parse(ctx.request.body ?? {});
          return signInWithPassword(o, { username: b.username, password: b.password, address: ctx.ip || 'unknown' });
        })();
    ctx.cookies.set(SESSION_COOKIE, s.session, {
      httpOnly: true,
      sameSite: 'strict',
      secure: ctx.secure,
      path: '/api',
      // relative, so the browser's clock counts it (the store checks its own expiry by the app's clock)
      maxAge: s.expiresAt.getTime() - o.clock.now().getTime(),
      overwrite: true,
    });
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 201;
    ctx.body = { ...(await describeMe(o, s.user)), expiresAt: s.expiresAt };
  });
  // whether the browser holds a live session (the dashboard asks once on load): who, or 204 — not a 401, which a page would log as an error
  router.get('/session', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const cookie = ctx.cookies.get(SESSION_COOKIE);
    const user = cookie
      ? await sessionUser(o, cookie).then(
          (s) => s.user,
          () => null,
        )
      : null;
    if (!user) {
      ctx.status = 204;
      return;
    }
    ctx.body = await describeMe(o, user);
  });
  return router;
}

/** Signing out, and passwords: one's own, and (admins) anyone's first password or a reset. */
export function sessionRoutes(o: AppOptions, router: RouteTable): void {
  router.delete('/session', 'self:read', async (ctx) => {
    const cookie = ctx.cookies.get(SESSION_COOKIE);
    if (cookie) await endSession(o, cookie);
    ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/api', expires: new Date(0), overwrite: true });
    ctx.status = 204;
  });
  router.put('/me/password', 'self:read', async (ctx) => {
    const b = ownPasswordBody.parse(ctx.request.body ?? {});
    await changeOwnPassword(o, { user: currentUser(ctx), current: b.current, next: b.password, sessionHash: ctx.state.sessionHash });
    ctx.status = 204;
  });
  router.put('/users/:id/password', 'users:manage', async (ctx: Ctx) => {
    const b = setPasswordBody.parse(ctx.request.body ?? {});
    const user = await o.store.users.get(String(ctx.params.id).slice(0, 64));
    if (!user) throw new DomainError('not_found', 'user', { whatKey: 'record' });
    const had = await credentialOf(o, user.id);
    if (!had && !b.username)
      throw new DomainError('validation', 'username', { detail: o.t('api:details.username_needed', { lng: ctx.state.lng }) });
    // an admin setting their own password chooses it; anyone else's is a first password they change
    const self = user.id === currentUser(ctx).id;
    ctx.body = await setPassword(o, { user, username: b.username, password: b.password, mustChange: !self, by: currentActor(ctx).id });
  });
}
