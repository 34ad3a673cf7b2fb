import type { Middleware } from 'koa';
import { DomainError } from '../domain/errors';

/** The first key in a query or JSON body that names a MongoDB operator (`$gt`, `a[$ne]`, `a.$where`…). */
export function findOperatorKey(value: unknown, depth = 0): string | undefined {
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (/(^|[[.])\$/.test(k)) return k;
    const inner = findOperatorKey(v, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

/**
 * Refuses MongoDB operators in input before any handler sees it: with MongoDB they
 * would be query injection, with SQLite they are nonsense. (The Mongo adapter also
 * runs with `sanitizeFilter`; this is the first of two locks.)
 */
export const rejectOperators =
  (where: 'query' | 'body'): Middleware =>
  async (ctx, next) => {
    const source = where === 'query' ? ctx.query : (ctx.request as { body?: unknown }).body;
    const key = findOperatorKey(source);
    if (key) throw new DomainError('operator_refused', `operator in ${where}: ${key}`, { key: key.slice(0, 40) });
    await next();
  };
