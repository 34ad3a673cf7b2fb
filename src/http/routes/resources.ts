import Router from '@koa/router';
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { maskPhone } from '../../domain/privacy';
import { placedFilter, type PlacedScope } from '../../domain/scope';
import type * as T from '../../domain/types';
import type { Store } from '../../storage/store';
import { currentUser, effectiveScope } from '../authorize';
import type { AppOptions, AppState } from '../context';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  scope: z.string().max(100).optional(),
});
const idParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

type Row = T.Entity & Record<string, unknown>;
type Filter = Record<string, unknown>;

/**
 * The tree resources, one table row each: how a scope narrows them and which
 * query filters they take. List and get are the same two handlers for all of them.
 */
export const RESOURCES = {
  communities: {
    filters: z.object({ name: z.string().max(60).optional() }),
    scoped: async (_s: Store, p: PlacedScope): Promise<Filter> => (p.communityId ? { id: p.communityId } : {}),
  },
  grids: {
    filters: z.object({ communityId: idParam.optional(), name: z.string().max(60).optional() }),
    scoped: async (_s: Store, p: PlacedScope): Promise<Filter> => (p.gridId ? { id: p.gridId } : p.communityId ? { communityId: p.communityId } : {}),
  },
  groups: {
    filters: z.object({ communityId: idParam.optional(), gridId: idParam.optional(), name: z.string().max(60).optional() }),
    scoped: async (_s: Store, p: PlacedScope): Promise<Filter> =>
      (p.groupId ? { id: p.groupId } : p.gridId ? { gridId: p.gridId } : p.communityId ? { communityId: p.communityId } : {}),
  },
  houses: {
    filters: z.object({
      code: z.string().max(24).transform((s) => s.trim().toUpperCase()).optional(),
      communityId: idParam.optional(), gridId: idParam.optional(), groupId: idParam.optional(), landlordId: idParam.optional(),
      isKey: bool.optional(),
    }),
    scoped: async (_s: Store, p: PlacedScope): Promise<Filter> => placedFilter(p),
  },
  landlords: {
    filters: z.object({ name: z.string().max(40).optional() }),
    // a landlord is in a scope when one of their houses is
    scoped: async (s: Store, p: PlacedScope): Promise<Filter> =>
      (p.level === 'street' ? {} : { id: { in: await s.houses.distinct('landlordId', placedFilter(p)) } }),
  },
} as const;
export type ResourceName = keyof typeof RESOURCES;

/**
 * Whether the record `id` lies inside a scope filter. The filter may itself be on `id`
 * (a community's staff see one community; a grid's, ids from a list): it is intersected
 * with the id asked for, never overwritten by it — that once let anyone read any record by id.
 */
async function inScope(coll: import('../../storage/store').Collection<Row>, where: Filter, id: string): Promise<boolean> {
  if (Object.keys(where).length === 0) return true;
  const { id: scopedId, ...rest } = where;
  if (scopedId !== undefined) {
    const allowed = typeof scopedId === 'string' ? [scopedId] : ((scopedId as { in?: string[] }).in ?? []);
    if (!allowed.includes(id)) return false;
  }
  return Object.keys(rest).length === 0 || (await coll.count({ ...rest, id } as never)) > 0;
}

/** Heads see their group's landlords, but not their full phone numbers. */
function present(name: ResourceName, row: Row, role: T.Role): Row {
  if (name === 'landlords' && role === 'head') return { ...row, phone: maskPhone(String(row.phone)) };
  return row;
}

export function resourceRoutes(o: AppOptions): Router<AppState> {
  const router = new Router<AppState>();
  for (const [name, def] of Object.entries(RESOURCES) as [ResourceName, (typeof RESOURCES)[ResourceName]][]) {
    const coll = o.store[name] as unknown as import('../../storage/store').Collection<Row>;
    router.get(`/${name}`, async (ctx) => {
      const q = pageQuery.extend(def.filters.shape as z.ZodRawShape).parse(ctx.query) as z.infer<typeof pageQuery> & Filter;
      const { limit, offset, scope, ...filters } = q;
      const scoped = await def.scoped(o.store, await effectiveScope(o.store, ctx, scope));
      // a filter naming another scope's record is refused, not quietly replaced by the caller's scope (issue 9)
      for (const [k, v] of Object.entries(filters)) {
        if (k in scoped && v !== undefined && scoped[k] !== v) throw new DomainError('forbidden', `${k} outside the caller's scope`);
      }
      const where = { ...filters, ...scoped };
      const [items, total] = await Promise.all([coll.find(where as never, { limit, offset }), coll.count(where as never)]);
      ctx.body = { items: items.map((r) => present(name, r, currentUser(ctx).role)), total, limit, offset };
    });
    router.get(`/${name}/:id`, async (ctx) => {
      const id = idParam.safeParse(ctx.params.id);
      const notFound = new DomainError('not_found', name, { what: o.t(`api:what.${name}`, { lng: ctx.state.lng }) });
      if (!id.success) throw notFound;
      const where = await def.scoped(o.store, await effectiveScope(o.store, ctx, undefined));
      const row = await coll.get(id.data);
      // a record outside the caller's scope is reported as missing, not as forbidden
      if (!row || !(await inScope(coll, where, id.data))) throw notFound;
      ctx.body = present(name, row, currentUser(ctx).role);
    });
  }
  return router;
}
