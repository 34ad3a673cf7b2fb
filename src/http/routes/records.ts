import { z } from 'zod';
import { listPage, pageQuery } from '../paging';
import { DomainError } from '../../domain/errors';
import { maskPhone } from '../../domain/privacy';
import { placedFilter, type PlacedScope } from '../../domain/scope';
import type * as T from '../../domain/types';
import type { Store } from '../../storage/store';
import { roleAllows, type Actor } from '../../domain/policy';
import { audit } from '../../services/access/audit';
import { editRecord, removeRecord } from '../../services/setup/edit-records';
import { currentActor, effectiveScope, inCallerScope, placeFiltersInScope } from '../authorize';
import { textsFor } from '../text-for-reader';
import type { AppOptions, Ctx } from '../context';
import type { RouteTable } from '../route-table';
import { answerWatchList } from './watch-list';

export { pageQuery };
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
    scoped: async (_s: Store, p: PlacedScope): Promise<Filter> =>
      p.gridId ? { id: p.gridId } : p.communityId ? { communityId: p.communityId } : {},
  },
  groups: {
    filters: z.object({ communityId: idParam.optional(), gridId: idParam.optional(), name: z.string().max(60).optional() }),
    scoped: async (_s: Store, p: PlacedScope): Promise<Filter> =>
      p.groupId ? { id: p.groupId } : p.gridId ? { gridId: p.gridId } : p.communityId ? { communityId: p.communityId } : {},
  },
  houses: {
    filters: z.object({
      code: z
        .string()
        .max(24)
        .transform((s) => s.trim().toUpperCase())
        .optional(),
      communityId: idParam.optional(),
      gridId: idParam.optional(),
      groupId: idParam.optional(),
      landlordId: idParam.optional(),
      isKey: bool.optional(),
    }),
    scoped: async (_s: Store, p: PlacedScope): Promise<Filter> => placedFilter(p),
  },
  landlords: {
    filters: z.object({ name: z.string().max(40).optional() }),
    // a landlord is in a scope when one of their houses is
    scoped: async (s: Store, p: PlacedScope): Promise<Filter> =>
      p.level === 'street' ? {} : { id: { in: await s.houses.distinct('landlordId', placedFilter(p)) } },
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
/** the free text of each record people typed (a roster's or staff's), masked for a head (issue 30) */
const TEXT_FIELDS: Record<ResourceName, readonly string[]> = {
  communities: ['name'],
  grids: ['name'],
  groups: ['name'],
  houses: ['address'],
  landlords: ['name'],
};

function present(name: ResourceName, row: Row, actor: Actor): Row {
  const shown = textsFor(actor, row, TEXT_FIELDS[name]);
  if (name === 'landlords' && !roleAllows(actor.role, 'phones:read')) return { ...shown, phone: maskPhone(String(row.phone)) };
  return shown;
}

/** a name, never one that reads as a scope (`street`, `community:…`), so 广播 and ?scope= by name stay unambiguous */
const name60 = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .refine((n) => !/^(street|全街道|街道)$/i.test(n) && !/[:：]/.test(n), 'a name may not be "street" or contain a colon');
/** What staff may change by hand in each tree record (PATCH); anything else is refused. */
export const EDITS = {
  communities: z.object({ name: name60 }).partial().strict(),
  grids: z.object({ name: name60 }).partial().strict(),
  groups: z.object({ name: name60, headHouseId: idParam.nullable() }).partial().strict(),
  houses: z
    .object({
      address: z.string().trim().min(1).max(120),
      tenants: z.number().int().min(0).max(10_000),
      rooms: z.number().int().min(0).max(10_000),
      groupId: idParam,
      landlordId: idParam,
    })
    .partial()
    .strict(),
  landlords: z
    .object({
      name: z.string().trim().min(1).max(40),
      phone: z
        .string()
        .trim()
        .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, 'phone must be a mobile or landline number'),
      // issue 28: reachable by SMS only (no WeChat), opted out of SMS, or neither (null)
      sms: z.enum(['only', 'never']).nullable(),
    })
    .partial()
    .strict(),
} satisfies Record<ResourceName, z.ZodObject>;

/** The tree resources: list, get, edit and remove, each inside the caller's scope (SPEC §6). */
export function resourceRoutes(o: AppOptions, router: RouteTable): void {
  const deps = o;
  /** staff reading phones is itself recorded (who read whose, when) */
  const auditPhones = async (ctx: Ctx, name: ResourceName, rows: Row[]) => {
    const actor = currentActor(ctx);
    if (name !== 'landlords' || rows.length === 0 || !roleAllows(actor.role, 'phones:read')) return;
    await audit(deps, {
      actor: actor.id,
      action: 'read_phones',
      target: rows.length === 1 ? `landlords:${rows[0]!.id}` : 'landlords',
      detail: { ids: rows.map((r) => r.id) },
      at: { communityId: actor.scope.communityId ?? null, gridId: actor.scope.gridId ?? null, groupId: actor.scope.groupId ?? null },
    });
  };
  for (const [name, def] of Object.entries(RESOURCES) as [ResourceName, (typeof RESOURCES)[ResourceName]][]) {
    const coll = o.store[name] as unknown as import('../../storage/store').Collection<Row>;
    const what = (ctx: Ctx) => ({ what: o.t(`api:what.${name}`, { lng: ctx.state.lng }) });
    /** the record, when it lies in the caller's scope; otherwise it does not exist for them */
    const load = async (ctx: Ctx): Promise<Row> => {
      const id = idParam.safeParse(ctx.params.id);
      const notFound = new DomainError('not_found', name, what(ctx));
      if (!id.success) throw notFound;
      const where = await def.scoped(o.store, await effectiveScope(o.store, ctx, undefined));
      const row = await coll.get(id.data);
      if (!row || !(await inScope(coll, where, id.data))) throw notFound;
      return row;
    };
    router.get(`/${name}`, 'records:read', async (ctx) => {
      if (name === 'landlords' && ctx.query.watch !== undefined) return answerWatchList(o, ctx);
      const q = pageQuery.extend(def.filters.shape as z.ZodRawShape).parse(ctx.query) as z.infer<typeof pageQuery> & Filter;
      const { limit, offset, scope, after, total: _total, ...filters } = q;
      const scoped = await def.scoped(o.store, await effectiveScope(o.store, ctx, scope));
      // a filter naming another scope's record is refused, not quietly replaced by the caller's scope (issue 9)
      for (const [k, v] of Object.entries(filters)) {
        if (k in scoped && v !== undefined && scoped[k] !== v) throw new DomainError('forbidden', `${k} outside the caller's scope`);
      }
      await placeFiltersInScope(o.store, ctx, filters);
      const where = { ...filters, ...scoped };
      const page = await listPage(coll, where as never, { ...q, limit, offset, after });
      await auditPhones(ctx, name, page.items);
      ctx.body = { ...page, items: page.items.map((r) => present(name, r, currentActor(ctx))) };
    });
    router.get(`/${name}/:id`, 'records:read', async (ctx) => {
      const row = await load(ctx);
      await auditPhones(ctx, name, [row]);
      ctx.body = present(name, row, currentActor(ctx));
    });
    /** a record the caller may change: inside their scope, not merely visible (a grid's staff see, not rename, their community) */
    const loadToEdit = async (ctx: Ctx): Promise<Row> => {
      const row = await load(ctx);
      const at =
        name === 'communities'
          ? { communityId: row.id }
          : name === 'grids'
            ? { communityId: row.communityId as string, gridId: row.id }
            : name === 'groups'
              ? { communityId: row.communityId as string, gridId: row.gridId as string, groupId: row.id }
              : name === 'houses'
                ? (row as unknown as T.House)
                : null;
      if (at && !inCallerScope(ctx, at, 'records:edit')) throw new DomainError('forbidden', `${name} outside the caller's scope`);
      return row;
    };
    router.patch(`/${name}/:id`, 'records:edit', async (ctx) => {
      const patch = EDITS[name].parse(ctx.request.body ?? {}) as Record<string, unknown>;
      const row = await loadToEdit(ctx);
      // a house's new landlord must be one the caller can see (else any landlord's phone could be pulled into scope)
      if (name === 'houses' && typeof patch.landlordId === 'string') {
        const lw = await RESOURCES.landlords.scoped(o.store, currentActor(ctx).scope);
        const landlords = o.store.landlords as unknown as import('../../storage/store').Collection<Row>;
        if (!(await landlords.get(patch.landlordId)) || !(await inScope(landlords, lw, patch.landlordId)))
          throw new DomainError('not_found', 'landlord', { what: o.t('api:what.landlords', { lng: ctx.state.lng }) });
      }
      // a house moves only to a group the caller may edit too
      if (name === 'houses' && typeof patch.groupId === 'string') {
        const g = await o.store.groups.get(patch.groupId);
        if (!g || !inCallerScope(ctx, { communityId: g.communityId, gridId: g.gridId, groupId: g.id }, 'records:edit'))
          throw new DomainError('not_found', 'group', { what: o.t('api:what.groups', { lng: ctx.state.lng }) });
      }
      ctx.body = present(name, await editRecord(deps, { name, id: row.id, patch, actor: currentActor(ctx).id }), currentActor(ctx));
    });
    router.delete(`/${name}/:id`, 'records:edit', async (ctx) => {
      const row = await loadToEdit(ctx);
      await removeRecord(deps, { name, id: row.id, actor: currentActor(ctx).id });
      ctx.status = 204;
    });
  }
}
