import { ref, type Ref } from 'vue';
import { loadPlaces, type Place } from './api';
import { t } from './i18n';

/** where the next page starts: after the rows shown (offset) or after the last one's key (a keyset cursor) */
export interface From { offset: number; after: string | null }
export interface Page<T> { items: T[]; total?: number | null; next?: string | null }

/**
 * A list shown a page at a time (the points, the watch list, the audit log, the review queue):
 * `load()` asks afresh, `load(true)` appends the next page; while asking `loading` is true, and a
 * refusal shows as `error` in words, the rows so far kept. `total` is the answer's total when it
 * gives one; `next` its cursor (null at the end).
 */
export function usePaged<T>(ask: (from: From | null) => Promise<Page<T>>, then?: (items: T[], more: boolean) => unknown) {
  const rows = ref([]) as Ref<T[]>;
  const total = ref(0);
  const next = ref<string | null>(null);
  const loading = ref(true);
  const error = ref('');
  async function load(more = false) {
    loading.value = true;
    error.value = '';
    try {
      const page = await ask(more ? { offset: rows.value.length, after: next.value } : null);
      rows.value = more ? [...rows.value, ...page.items] : page.items;
      total.value = page.total ?? rows.value.length;
      next.value = page.next ?? null;
      await then?.(page.items, more);
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    } finally {
      loading.value = false;
    }
  }
  return { rows, total, next, loading, error, load };
}

/** the places of the caller's scope a list can be narrowed to, each labelled with its level (社区 · 东湖社区) */
export async function scopeChoices(levels?: readonly Place['level'][]) {
  return (await loadPlaces(levels)).map((p) => ({ value: p.value, label: `${t(p.level)} · ${p.name}` }));
}
