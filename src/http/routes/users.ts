import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { describeMe } from './session';
import { placedFilter } from '../../domain/scope';
import { zonedInstant } from '../../domain/period';
import { currentActor, currentUser, effectiveScope } from '../authorize';
import type { AppOptions, Ctx } from '../context';
import type { RouteTable } from '../route-table';
import { createUser, removeUser, rotateToken, updateUser } from '../../services/access/users';
import { listPage } from '../paging';
import { pageQuery } from '../paging';
import type { AuditEntry } from '../../domain/types';
import type { Filter } from '../../storage/store';

const role = z.enum(['admin', 'staff', 'head']);
export const userBody = z.object({ name: z.string().trim().min(1).max(40), role, scope: z.string().trim().min(1).max(100) }).strict();
export const userPatch = z
  .object({ name: z.string().trim().min(1).max(40), role, scope: z.string().trim().min(1).max(100), active: z.boolean() })
  .partial()
  .strict();
const instantOrDay = z.iso.datetime({ offset: true }).or(z.iso.date());
export const auditQuery = pageQuery.extend({
  // a day (2026-12-07) is a day in the street's time zone: since from its start, until to its end
  since: instantOrDay.optional(),
  until: instantOrDay.optional(),
  // who: an actor as recorded (user:<id>, contact:<id>, system) or a user's name
  actor: z.string().trim().min(1).max(80).optional(),
  // what: an action as recorded (approve_submission, remind, edit_houses…)
  action: z
    .string()
    .max(60)
    .regex(/^[a-z_]+$/, 'action must be an action name such as approve_submission')
    .optional(),
});

/** Users and their tokens (admins; SPEC §6), and the audit log (staff of a scope read theirs). */
export function userRoutes(o: AppOptions, router: RouteTable): void {
  const deps = o;
  const load = async (ctx: Ctx) => {
    const user = await o.store.users.get(String(ctx.params.id).slice(0, 64));
    if (!user) throw new DomainError('not_found', 'user', { what: o.t('api:what.record', { lng: ctx.state.lng }) });
    return user;
  };
  router.post('/users', 'users:manage', async (ctx) => {
    const b = userBody.parse(ctx.request.body ?? {});
    const { user, token } = await createUser(deps, {
      name: b.name,
      role: b.role,
      scope: await effectiveScope(o.store, ctx, b.scope, 'users:manage'),
      by: currentActor(ctx).id,
    });
    ctx.status = 201;
    ctx.body = { ...user, token };
  });
  router.get('/users', 'users:manage', async (ctx) => {
    ctx.body = await listPage(o.store.users, {}, pageQuery.parse(ctx.query));
  });
  router.get('/users/:id', 'users:manage', async (ctx) => {
    ctx.body = await load(ctx);
  });
  router.patch('/users/:id', 'users:manage', async (ctx) => {
    const b = userPatch.parse(ctx.request.body ?? {});
    const user = await load(ctx);
    const scope = b.scope !== undefined ? await effectiveScope(o.store, ctx, b.scope, 'users:manage') : undefined;
    ctx.body = await updateUser(deps, { user, patch: { name: b.name, role: b.role, active: b.active, scope }, by: currentActor(ctx).id });
  });
  router.delete('/users/:id', 'users:manage', async (ctx) => {
    await removeUser(deps, { user: await load(ctx), by: currentActor(ctx).id });
    ctx.status = 204;
  });
  router.post('/users/:id/token', 'users:manage', async (ctx) => {
    const user = await load(ctx);
    ctx.status = 201;
    ctx.body = { id: user.id, token: await rotateToken(deps, { user, by: currentActor(ctx).id }) };
  });

  // who the caller is, and what they may do somewhere in their scope: the dashboard offers its pages and buttons from this
  router.get('/me', 'self:read', async (ctx) => {
    ctx.body = await describeMe(o, currentUser(ctx));
  });

  router.get('/audit', 'audit:read', async (ctx) => {
    const q = auditQuery.parse(ctx.query);
    const p = await effectiveScope(o.store, ctx, q.scope, 'audit:read');
    // street-wide entries (user management, letters) are for street-wide callers only
    const where: Filter<AuditEntry> = { ...(placedFilter(p) as Filter<AuditEntry>) };
    const day = (v: string, time: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? zonedInstant(v, time, o.timeZone) : new Date(v));
    if (q.since || q.until)
      where.createdAt = { ...(q.since ? { gte: day(q.since, '00:00:00') } : {}), ...(q.until ? { lte: day(q.until, '23:59:59') } : {}) };
    if (q.action) where.action = q.action;
    if (q.actor) {
      // a name: the users of that name (an unknown name finds nothing)
      const named = q.actor.includes(':') || q.actor === 'system' ? [] : await o.store.users.find({ name: q.actor }, { limit: 50 });
      where.actor = q.actor.includes(':') || q.actor === 'system' ? q.actor : { in: named.map((u) => `user:${u.id}`) };
    }
    // newest first: ids sort by creation time
    const page = await listPage(o.store.audit, where, q, { field: 'id', dir: -1 });
    // who, by name (a user's; others as recorded)
    const userIds = [
      ...new Set(
        page.items
          .map((e) => e.actor)
          .filter((a) => a.startsWith('user:'))
          .map((a) => a.slice(5)),
      ),
    ];
    const users = new Map((userIds.length ? await o.store.users.find({ id: { in: userIds } }) : []).map((u) => [`user:${u.id}`, u.name]));
    ctx.body = { ...page, items: page.items.map((e) => ({ ...e, actorName: users.get(e.actor) ?? null })) };
  });
}
