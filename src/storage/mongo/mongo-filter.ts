import type { FieldOp } from '../store';

const OPS: Record<keyof FieldOp<unknown>, string> = { in: '$in', nin: '$nin', ne: '$ne', lt: '$lt', lte: '$lte', gt: '$gt', gte: '$gte' };

/**
 * Translates the port's filter to a MongoDB query. Operators come only from this table
 * and are marked trusted; every value is data, so with `sanitizeFilter` on, anything
 * shaped like `{$gt: …}` inside a value is wrapped in `$eq` by mongoose and matches nothing.
 */
export function toMongoFilter(filter: Record<string, unknown>, trusted: <O extends object>(o: O) => O): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, cond] of Object.entries(filter)) {
    if (cond === undefined) continue;
    const key = field === 'id' ? '_id' : field;
    const isOp =
      typeof cond === 'object' &&
      cond !== null &&
      !(cond instanceof Date) &&
      !Array.isArray(cond) &&
      Object.keys(cond).every((k) => k in OPS);
    if (!isOp) {
      out[key] = cond;
      continue;
    }
    const ops: Record<string, unknown> = {};
    for (const [op, v] of Object.entries(cond as Record<string, unknown>)) {
      if (v !== undefined) ops[OPS[op as keyof FieldOp<unknown>]] = v;
    }
    out[key] = trusted(ops);
  }
  return out;
}

/** Port sort → Mongo sort, always ending on `_id` so pages are stable. */
/** A sort with `_id` as tie-breaker, running the way the first key does; none after a unique key (`uniqueFirst`). */
export function toMongoSort(sort: Record<string, 1 | -1> | undefined, uniqueFirst = false): Record<string, 1 | -1> {
  const out: Record<string, 1 | -1> = {};
  for (const [f, d] of Object.entries(sort ?? {})) out[f === 'id' ? '_id' : f] = d;
  if (!('_id' in out) && !(uniqueFirst && Object.keys(out).length === 1)) out._id = Object.values(out)[0] === -1 ? -1 : 1;
  return out;
}
