import type { PlacedScope } from '../../domain/scope';
import { placedFilter } from '../../domain/scope';
import type { House } from '../../domain/types';
import type { Deps } from '../deps';

export type FoundHouse = Pick<House, 'id' | 'code' | 'address' | 'groupId'>;

/**
 * The register's search (issue 27): houses of a scope whose code or address contains the words
 * typed (a code is matched without regard to case), codes in order. The scope's houses are read
 * by their code and address only: a street of some thousands of houses is one indexed scan.
 */
export async function searchHouses(
  deps: Deps,
  input: { within: PlacedScope; q: string; limit: number; offset: number },
): Promise<{ items: FoundHouse[]; total: number }> {
  const words = input.q.trim().toUpperCase().split(/\s+/).filter(Boolean);
  const all = await deps.store.houses.find(placedFilter(input.within), { fields: ['code', 'address', 'groupId'], sort: { code: 1 } });
  const hits = all.filter((h) => words.every((w) => h.code.toUpperCase().includes(w) || h.address.toUpperCase().includes(w)));
  return { items: hits.slice(input.offset, input.offset + input.limit), total: hits.length };
}
