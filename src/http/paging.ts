import { z } from 'zod';
import { DomainError } from '../domain/errors';
import type * as T from '../domain/types';
import type { Collection, Filter, Sort } from '../storage/store';

/** `?limit=&offset=&scope=`, and keyset paging: `?after=<cursor>` from the last page's `next`; `?total=0` skips the count. */
export const pageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(50),
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
    scope: z.string().max(100).optional(),
    after: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_-]+$/, 'after must be a cursor from a previous page')
      .optional(),
    total: z.enum(['0', '1']).optional(),
    // a parameter a list does not know is a 400 naming it, not quietly ignored: `?groupId=` on a
    // list that narrows by `scope=` only would otherwise answer the whole scope as if filtered
  })
  .strict();
export type PageQuery = z.infer<typeof pageQuery>;

const encode = (v: string | number) => Buffer.from(JSON.stringify(v)).toString('base64url');
/** A page's `next` from the last key it holds (for lists a service pages itself). */
export const cursorOf = (last: string | null): string | null => (last === null ? null : encode(last));
/** The key an `after` cursor names (a 400 for anything that is not a cursor). */
export const keyOf = (cursor: string): string => String(decode(cursor));
function decode(cursor: string): string | number {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof v === 'string' || typeof v === 'number') return v;
  } catch {
    /* answered below */
  }
  throw new DomainError('validation', 'after', { detailKey: 'after_cursor' });
}

/**
 * One page of a list in a stable order (`by`: a unique key, `id` or `number`). With `after`
 * the page starts past the cursor by index (a deep page costs what the first does); `next`
 * is the cursor of the page after this one, or null at the end. `total` is an index count.
 */
export async function listPage<E extends T.Entity>(
  coll: Collection<E>,
  where: Filter<E>,
  q: PageQuery,
  by: { field: 'id' | 'number'; dir: 1 | -1 } = { field: 'id', dir: 1 },
) {
  const field = by.field as keyof E & string;
  let filter = where;
  if (q.after !== undefined) {
    const bound = { [by.dir === 1 ? 'gt' : 'lt']: decode(q.after) };
    const own = (where as Record<string, unknown>)[field];
    // a scope already on the same field (a list of ids) keeps its condition beside the cursor's
    const cond =
      own === undefined
        ? bound
        : typeof own === 'object' && own !== null && !(own instanceof Date)
          ? { ...own, ...bound }
          : { in: [own], ...bound };
    filter = { ...where, [field]: cond } as Filter<E>;
  }
  if (q.after !== undefined && q.offset > 0) throw new DomainError('validation', 'after', { detailKey: 'after_with_offset' });
  // one more than asked: `next` only when there is a next page
  const [found, total] = await Promise.all([
    coll.find(filter, { limit: q.limit + 1, offset: q.after !== undefined ? 0 : q.offset, sort: { [field]: by.dir } as Sort<E> }),
    q.total === '0' ? Promise.resolve(undefined) : coll.count(where),
  ]);
  const items = found.slice(0, q.limit);
  const last = found.length > q.limit ? (items.at(-1) as unknown as Record<string, string | number>)[field] : undefined;
  return {
    items,
    ...(total === undefined ? {} : { total }),
    limit: q.limit,
    offset: q.after !== undefined ? 0 : q.offset,
    next: last === undefined ? null : encode(last),
  };
}

/** Lists kept in an order that is not a unique key (newest broadcast or round first, a ranking) page by offset only. */
export function offsetOnly(q: PageQuery): void {
  if (q.after !== undefined) throw new DomainError('validation', 'after', { detailKey: 'offset_only' });
}
