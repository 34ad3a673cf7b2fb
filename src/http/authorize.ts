import type { Middleware } from 'koa';
import { DomainError } from '../domain/errors';
import { can, roleAllows, type Action, type Actor } from '../domain/policy';
import type { PlacedScope } from '../domain/scope';
import type { User } from '../domain/types';
import { authenticate } from '../services/authenticate';
import { resolveScope } from '../services/resolve-scope';
import { resolveScopeName } from '../services/scope-names';
import type { Store } from '../storage/store';
import type { AppState, Ctx } from './context';

/** Every route after this needs a valid bearer token; the caller becomes an actor of the policy. */
export const requireToken = (store: Store): Middleware<AppState> => async (ctx, next) => {
  const user = await authenticate(store, ctx.get('authorization') || undefined);
  ctx.state.user = user;
  ctx.state.actor = actorOfUser(user, await resolveScope(store, user.scope));
  await next();
};

export const actorOfUser = (user: User, scope: PlacedScope): Actor => ({ id: `user:${user.id}`, role: user.role, scope, channel: 'api' });

/** The route-level check, declared in the route chain: may this caller's role take the action at all? */
export const authorize = (action: Action): Middleware<AppState> => async (ctx, next) => {
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
export async function effectiveScope(store: Store, ctx: Ctx, requested: string | undefined, action: Action = 'records:read'): Promise<PlacedScope & { label: string }> {
  const actor = currentActor(ctx);
  if (!requested) return { ...actor.scope, label: currentUser(ctx).scope };
  const wanted = await resolveScopeName(store, requested);
  if (!can(actor, action, wanted)) throw new DomainError('forbidden', `scope ${requested.slice(0, 80)} outside the caller's`);
  return wanted;
}

/** Whether a record placed in the street lies in the caller's scope (records outside it do not exist for them). */
export const inCallerScope = (ctx: Ctx, rec: { communityId?: string | null; gridId?: string | null; groupId?: string | null }, action: Action = 'records:read'): boolean =>
  can(currentActor(ctx), action, { level: 'group', communityId: rec.communityId ?? undefined, gridId: rec.gridId ?? undefined, groupId: rec.groupId ?? undefined });
