import type { Middleware } from 'koa';
import { DomainError, isDomainError } from '../domain/errors';
import { can, roleAllows, type Action, type Actor } from '../domain/policy';
import { scopeContains, type PlacedScope } from '../domain/scope';
import type { User } from '../domain/types';
import { authenticate } from '../services/access/authenticate';
import { sessionUser } from '../services/access/passwords';
import type { Deps } from '../services/deps';
import { resolveScope } from '../services/access/resolve-scope';
import { resolveScopeName } from '../services/access/scope-names';
import type { Store } from '../storage/store';
import type { AppState, Ctx } from './context';

export const SESSION_COOKIE = 'afd_session';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A cookie-authenticated write must come from the dashboard's own origin (CSRF): SameSite=Strict
 * keeps the cookie off other sites' requests in today's browsers, and this refuses the rest — an
 * `Origin` (or, without one, `Sec-Fetch-Site`) that is not this site's.
 */
export function checkSameOrigin(ctx: Pick<Ctx, 'get' | 'protocol' | 'host'>): void {
  const origin = ctx.get('origin');
  const site = ctx.get('sec-fetch-site');
  // this site's own origin, as the browser addressed it (Koa's ctx.origin is not that: it echoes the request's Origin header)
  const same = origin ? origin === `${ctx.protocol}://${ctx.host}` : site === 'same-origin';
  if (!same || (site && site !== 'same-origin')) throw new DomainError('cross_origin', `origin ${origin.slice(0, 100) || '(none)'}`);
}

/**
 * Every route after this needs a caller: a bearer token (scripts) or the dashboard's session
 * cookie (whose writes must come from this origin); the caller becomes an actor of the policy.
 */
export const requireToken =
  (deps: Pick<Deps, 'store' | 'clock'>): Middleware<AppState> =>
  async (ctx, next) => {
    const { store } = deps;
    const cookie = ctx.get('authorization') ? undefined : ctx.cookies.get(SESSION_COOKIE);
    let user: User;
    if (cookie) {
      const s = await sessionUser(deps, cookie);
      if (!SAFE.has(ctx.method)) checkSameOrigin(ctx);
      user = s.user;
      ctx.state.sessionHash = s.hash;
    } else user = await authenticate(store, ctx.get('authorization') || undefined);
    ctx.state.user = user;
    ctx.state.actor = actorOfUser(user, await resolveScope(store, user.scope));
    await next();
  };

export const actorOfUser = (user: User, scope: PlacedScope): Actor => ({ id: `user:${user.id}`, role: user.role, scope, channel: 'api' });

/** The route-level check, declared in the route chain: may this caller's role take the action at all? */
export const authorize =
  (action: Action): Middleware<AppState> =>
  async (ctx, next) => {
    const actor = currentActor(ctx as Ctx);
    if (!roleAllows(actor.role, action, actor.channel)) throw new DomainError('forbidden', `${action} not allowed for ${actor.role}`);
    if (!can(actor, action)) throw new DomainError('forbidden', `${action} needs a street-wide scope`);
    await next();
  };

export function currentUser(ctx: Ctx): User {
  if (!ctx.state.user) throw new DomainError('unauthorized', 'no user');
  return ctx.state.user;
}

export function currentActor(ctx: Ctx): Actor {
  if (!ctx.state.actor) throw new DomainError('unauthorized', 'no user');
  return ctx.state.actor;
}

/**
 * The scope a request works in: `?scope=` (default: the caller's own; ids or names), which the
 * policy must let the caller act on — a scope named outside theirs is refused (403), never
 * quietly replaced by their own.
 */
export async function effectiveScope(
  store: Store,
  ctx: Ctx,
  requested: string | undefined,
  action: Action = 'records:read',
): Promise<PlacedScope & { label: string }> {
  const actor = currentActor(ctx);
  if (!requested) return { ...actor.scope, label: currentUser(ctx).scope };
  const outside = () => new DomainError('forbidden', `scope ${requested.slice(0, 80)} outside the caller's`);
  const mine = actor.scope;
  if (mine.level === 'street') {
    const wanted = await resolveScopeName({ store }, requested);
    if (!can(actor, action, wanted)) throw outside();
    return wanted;
  }
  // a scoped caller knows only their scope and its ancestors: a place elsewhere answers as one that does not
  // exist (the same 403), and an ambiguous name lists only the readings they know (issue 30)
  const known = (p: PlacedScope) =>
    scopeContains(mine, p) ||
    (p.level === 'community' && p.communityId === mine.communityId) ||
    (p.level === 'grid' && p.gridId === mine.gridId);
  const wanted = await resolveScopeName({ store }, requested, known).catch((e: unknown) => {
    throw isDomainError(e) && e.code === 'not_found' ? outside() : e;
  });
  if (!can(actor, action, wanted)) throw outside();
  return wanted;
}

/** Whether a record placed in the street lies in the caller's scope (records outside it do not exist for them). */
export const inCallerScope = (
  ctx: Ctx,
  rec: { communityId?: string | null; gridId?: string | null; groupId?: string | null },
  action: Action = 'records:read',
): boolean =>
  can(currentActor(ctx), action, {
    level: 'group',
    communityId: rec.communityId ?? undefined,
    gridId: rec.gridId ?? undefined,
    groupId: rec.groupId ?? undefined,
  });

/**
 * The record named by the route's `:id`, when it lies in the caller's scope; otherwise 404,
 * the same whether it exists elsewhere or not (koa-router's `router.param` pattern, as one loader).
 */
export async function loadInScope<R extends { communityId?: string | null; gridId?: string | null; groupId?: string | null }>(
  ctx: Ctx,
  coll: { get(id: string): Promise<R | null> },
  what: 'record' | 'houses' = 'record',
): Promise<R> {
  const rec = await coll.get(String(ctx.params.id).slice(0, 64));
  if (!rec || !inCallerScope(ctx, rec)) throw new DomainError('not_found', what, { whatKey: what });
  return rec;
}

/**
 * A list filter naming a place (`communityId`, `gridId`, `groupId`) must name one the caller
 * may read: another scope's place — or one that does not exist, which a scoped caller cannot
 * tell apart from it — is refused (403), the same answer as `?scope=` outside theirs.
 */
export async function placeFiltersInScope(store: Store, ctx: Ctx, filters: Record<string, unknown>): Promise<void> {
  const actor = currentActor(ctx);
  const streetWide = !actor.scope.communityId && !actor.scope.gridId && !actor.scope.groupId;
  const colls = { communityId: store.communities, gridId: store.grids, groupId: store.groups } as const;
  for (const key of Object.keys(colls) as (keyof typeof colls)[]) {
    const id = filters[key];
    if (typeof id !== 'string') continue;
    const rec = await (colls[key] as { get(id: string): Promise<{ id: string; communityId?: string; gridId?: string } | null> }).get(id);
    const place =
      rec &&
      (key === 'communityId'
        ? { communityId: rec.id }
        : key === 'gridId'
          ? { communityId: rec.communityId, gridId: rec.id }
          : { communityId: rec.communityId, gridId: rec.gridId, groupId: rec.id });
    if (place ? !inCallerScope(ctx, place) : !streetWide) throw new DomainError('forbidden', `${key} outside the caller's scope`);
  }
}
