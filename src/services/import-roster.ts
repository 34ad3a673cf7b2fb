import { DomainError } from '../domain/errors';
import type { RosterRow, RowError } from '../domain/roster';
import type { Deps } from './deps';
import type { ParsedRoster } from './parse-roster-file';

export interface ImportResult { created: number; updated: number; unchanged: number; errors: RowError[] }
export interface ImportProgress { phase: 'communities' | 'grids' | 'groups' | 'landlords' | 'houses' | 'heads'; done: number; total: number }

const BATCH = 5000;
const uniq = <V>(xs: V[], key: (v: V) => string) => [...new Map(xs.map((x) => [key(x), x])).values()];

/**
 * Upserts the community → grid → group → house → landlord tree of a validated roster.
 * A roster with any bad row changes nothing: it throws `roster_rows` with every bad row.
 * Re-importing the same file reports everything unchanged.
 */
export async function importRoster(
  { store, log }: Deps,
  roster: ParsedRoster,
  options: { actor: string; onProgress?: (p: ImportProgress) => void } = { actor: 'system' },
): Promise<ImportResult> {
  if (roster.errors.length) {
    throw new DomainError('roster_rows', `${roster.errors.length} bad rows`, { count: roster.errors.length }, { errors: roster.errors });
  }
  const rows = roster.rows;
  const progress = options.onProgress ?? (() => {});
  const total = rows.length;

  const communityNames = uniq(rows.map((r) => r.community), (n) => n);
  const communityIds = zip(communityNames, await store.communities.upsertMany(communityNames.map((name) => ({ name })), ['name']));
  progress({ phase: 'communities', done: total, total });

  const gridRows = uniq(rows, (r) => `${r.community}\u0000${r.grid}`);
  const gridKey = (r: RosterRow) => `${r.community}\u0000${r.grid}`;
  const gridIds = zip(gridRows.map(gridKey), await store.grids.upsertMany(
    gridRows.map((r) => ({ communityId: communityIds.get(r.community)!.id, name: r.grid })), ['communityId', 'name']));
  progress({ phase: 'grids', done: total, total });

  const groupKey = (r: RosterRow) => `${gridKey(r)}\u0000${r.group}`;
  const groupRows = uniq(rows, groupKey);
  // roomId, headHouseId, locale and botId are left out so a re-import keeps a group's binding
  const groupIds = zip(groupRows.map(groupKey), await store.groups.upsertMany(
    groupRows.map((r) => ({ communityId: communityIds.get(r.community)!.id, gridId: gridIds.get(gridKey(r))!.id, name: r.group })), ['gridId', 'name']));
  progress({ phase: 'groups', done: total, total });

  const landlordRows = uniq(rows, (r) => r.phone);
  const landlordIds = zip(landlordRows.map((r) => r.phone), await inBatches(landlordRows, (batch) =>
    store.landlords.upsertMany(batch.map((r) => ({ name: r.landlord, phone: r.phone })), ['phone'])));
  progress({ phase: 'landlords', done: total, total });

  const houseResults = await inBatches(rows, (batch) => store.houses.upsertMany(batch.map((r) => ({
    code: r.houseCode,
    address: r.address,
    communityId: communityIds.get(r.community)!.id,
    gridId: gridIds.get(gridKey(r))!.id,
    groupId: groupIds.get(groupKey(r))!.id,
    landlordId: landlordIds.get(r.phone)!.id,
    tenants: r.tenants,
    rooms: r.rooms,
    isKey: r.isKey,
  })), ['code']), (done) => progress({ phase: 'houses', done, total }));
  const houseOutcome = zip(rows.map((r) => r.houseCode), houseResults);

  // heads in one batch, after the houses exist: a group's head is the house marked 户长
  const headRows = rows.filter((x) => x.head);
  const headResults = await store.groups.upsertMany(
    headRows.map((r) => ({ gridId: gridIds.get(gridKey(r))!.id, name: r.group, headHouseId: houseOutcome.get(r.houseCode)!.id })), ['gridId', 'name']);
  const headChanged = new Set(headRows.filter((_, i) => headResults[i]!.outcome === 'updated').map((r) => r.houseCode));
  progress({ phase: 'heads', done: total, total });

  let created = 0;
  let updated = 0;
  for (const r of rows) {
    const h = houseOutcome.get(r.houseCode)!;
    if (h.outcome === 'created') created += 1;
    else if (h.outcome === 'updated' || landlordIds.get(r.phone)!.outcome === 'updated' || headChanged.has(r.houseCode)) updated += 1;
  }
  const result = { created, updated, unchanged: rows.length - created - updated, errors: [] };
  await store.audit.insert({ actor: options.actor, action: 'import_roster', target: 'roster', detail: { rows: rows.length, created, updated } });
  log.info({ rows: rows.length, created, updated }, 'roster imported');
  return result;
}

/** Runs an upsert over slices of BATCH rows: bounded memory and one transaction per slice. */
async function inBatches<V, R>(items: readonly V[], run: (batch: readonly V[]) => Promise<R[]>, onDone?: (done: number) => void): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += BATCH) {
    out.push(...(await run(items.slice(i, i + BATCH))));
    onDone?.(Math.min(i + BATCH, items.length));
  }
  return out;
}

function zip<R>(keys: string[], results: R[]): Map<string, R> {
  return new Map(keys.map((k, i) => [k, results[i]!]));
}
