import type * as T from '../domain/types';
import type { Draft, UpsertDraft, UpsertOutcome } from './store';

/** The natural-key string of a record, for matching drafts to stored records. */
export const keyOf = (rec: Record<string, unknown>, key: readonly string[]): string =>
  key
    .map((k) => {
      const v = rec[k];
      return v instanceof Date ? v.toISOString() : String(v);
    })
    .join('\u0000');

const same = (a: unknown, b: unknown): boolean => {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  return a === b;
};

export type UpsertStep<E extends T.Entity> =
  | { outcome: 'created'; draft: Draft<E> }
  | { outcome: 'updated'; id: T.Id; patch: Partial<E> }
  | { outcome: Extract<UpsertOutcome, 'unchanged'>; id: T.Id };

/**
 * Decides, for each draft in order, whether it creates, updates or leaves a record.
 * Shared by every adapter so "unchanged" means the same everywhere. Later drafts with
 * the same key as an earlier one update what the earlier one made.
 */
export function planUpsert<E extends T.Entity>(
  existing: readonly E[],
  drafts: readonly UpsertDraft<E>[],
  key: readonly string[],
  newId: () => T.Id,
): UpsertStep<E>[] {
  const byKey = new Map<string, Record<string, unknown>>();
  for (const e of existing)
    byKey.set(keyOf(e as unknown as Record<string, unknown>, key), { ...(e as unknown as Record<string, unknown>) });
  return drafts.map((draft) => {
    const d = draft as Record<string, unknown>;
    const k = keyOf(d, key);
    const cur = byKey.get(k);
    if (!cur) {
      const id = (d.id as string | undefined) ?? newId();
      byKey.set(k, { ...d, id });
      return { outcome: 'created', draft: { ...draft, id } as Draft<E> };
    }
    const patch: Record<string, unknown> = {};
    for (const [f, v] of Object.entries(d)) {
      if (f === 'id' || f === 'createdAt' || v === undefined) continue;
      if (!same(cur[f], v)) patch[f] = v;
    }
    if (Object.keys(patch).length === 0) return { outcome: 'unchanged', id: cur.id as T.Id };
    Object.assign(cur, patch);
    return { outcome: 'updated', id: cur.id as T.Id, patch: patch as Partial<E> };
  });
}
