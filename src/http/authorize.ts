import type { Middleware } from 'koa';
import { DomainError } from '../domain/errors';
import { scopeContains, type PlacedScope } from '../domain/scope';
import type { Role, User } from '../domain/types';
import { authenticate } from '../services/authenticate';
import { resolveScope } from '../services/resolve-scope';
import type { Store } from '../storage/store';
import type { AppState, Ctx } from './context';

/** Every route after this needs a valid bearer token. */
export const requireToken = (store: Store): Middleware<AppState> => async (ctx, next) => {
  ctx.state.user = await authenticate(store, ctx.get('authorization') || undefined);
  await next();
};

export function currentUser(ctx: Ctx): User {
  if (!ctx.state.user) throw new DomainError('unauthorized', 'no user');
  return ctx.state.user;
}

export function requireRole(ctx: Ctx, ...roles: Role[]): User {
  const user = currentUser(ctx);
  if (!roles.includes(user.role)) throw new DomainError('forbidden', `role ${user.role}`);
  return user;
}

/**
 * The scope a request works in: `?scope=` (default: the user's own), which must lie
 * inside the user's scope.
 */
export async function effectiveScope(store: Store, ctx: Ctx, requested: string | undefined): Promise<PlacedScope & { label: string }> {
  const user = currentUser(ctx);
  const own = await resolveScope(store, user.scope);
  if (!requested) return { ...own, label: user.scope };
  const wanted = await resolveScope(store, requested);
  if (!scopeContains(own, wanted)) throw new DomainError('forbidden', `scope ${requested} outside ${user.scope}`);
  return { ...wanted, label: requested.trim() };
}
