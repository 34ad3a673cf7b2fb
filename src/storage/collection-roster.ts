import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { crossCheckRoster, ParentNames, type RosterRow, type RowError } from '../domain/roster';
import type * as T from '../domain/types';
import {
  LARGE_GROUP,
  type AppliedRoster,
  type RosterPreview,
  type RosterStage,
  type RosterStore,
  type RosterWarning,
} from './roster-stage';
import type { Collection, Collections, Filter } from './store';

/** rows written per upsert: bounded memory and one transaction per slice */
const BATCH = 5000;
/** values in one `in` filter */
const IN_BATCH = 1000;
const uniq = <V>(xs: readonly V[], key: (v: V) => string) => [...new Map(xs.map((x) => [key(x), x])).values()];
const k = (...parts: string[]) => parts.join('\u0000');

/**
 * The roster stage over the Store's collections (MongoDB's): rows wait in memory, the checks
 * and the warnings are worked out in JavaScript against what the store holds, and the apply
 * upserts through the collections — the same answers as SQLite's stage in SQL (roster-apply.ts),
 * which the contract suite checks. Not one transaction: each upsert slice is its own.
 */
export function collectionRoster(store: Collections): RosterStore {
  return { stage: async () => new CollectionStage(store) };
}

class CollectionStage implements RosterStage {
  private readonly rows: RosterRow[] = [];
  private readonly ports: MessagePort[] = [];
  private stopped = false;
  /** the check or apply under way: `close` waits for it to stop */
  private busy: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: Collections) {}

  /** Throws once the stage is stopped (`abort`): the apply stops before its next write. */
  private live(): void {
    if (this.stopped) throw new Error('the roster stage was stopped');
  }

  /** Runs `work` as the stage's one task under way (`close` waits for it). */
  private task<R>(work: () => Promise<R>): Promise<R> {
    this.live();
    const p = work();
    this.busy = p.catch(() => undefined);
    return p;
  }

  async add(rows: readonly RosterRow[]): Promise<void> {
    for (const r of rows) this.rows.push(r);
  }

  inlet(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (m: { rows: RosterRow[] }) => {
      for (const r of m.rows) this.rows.push(r);
      port1.postMessage('ack');
    });
    this.ports.push(port1);
    return port2;
  }

  check(limit: number): Promise<{ errors: RowError[]; rows: number }> {
    return this.task(() => this.checkNow(limit));
  }

  apply(actor: string, onStep: (done: number, of: number) => void = () => {}): Promise<AppliedRoster> {
    return this.task(() => this.applyNow(actor, onStep));
  }

  preview(): Promise<RosterPreview> {
    return this.task(async () => {
      const { store, rows } = this;
      const warnings = await warningsOf(store, rows);
      const codes = uniq(
        rows.map((r) => r.houseCode),
        (c) => c,
      );
      const known = await findIn(store.houses, 'code', codes);
      return { rows: rows.length, created: codes.length - known.length, warnings };
    });
  }

  abort(): void {
    this.stopped = true;
    for (const port of this.ports) port.close();
  }

  private async checkNow(limit: number): Promise<{ errors: RowError[]; rows: number }> {
    const { communities, grids, groups } = this.store;
    const names = new ParentNames();
    const community = new Map((await communities.find({})).map((c) => [c.id, c.name]));
    const allGrids = await grids.find({}, { sort: { createdAt: 1 } });
    const grid = new Map(allGrids.map((g) => [g.id, g.name]));
    for (const g of allGrids) names.knownGrid(community.get(g.communityId) ?? '', g.name);
    for (const g of await groups.find({}, { sort: { createdAt: 1 } }))
      names.knownGroup(community.get(g.communityId) ?? '', grid.get(g.gridId) ?? '', g.name);
    const errors: RowError[] = [];
    for (const r of this.rows) {
      const message = names.check(r);
      if (message) errors.push({ row: r.row, message });
    }
    errors.push(...crossCheckRoster(this.rows));
    return { errors: errors.slice(0, limit), rows: new Set(errors.map((e) => e.row)).size };
  }

  private async applyNow(actor: string, onStep: (done: number, of: number) => void): Promise<AppliedRoster> {
    const { store, rows } = this;
    const warnings = await warningsOf(store, rows);
    this.live();
    const of = 5 + Math.ceil(rows.length / BATCH);
    let done = 0;
    // (each step's end is where a stopped stage stops: not one transaction, so what was upserted stays, as after a crash)
    const step = () => {
      this.live();
      onStep((done += 1), of);
    };

    const communityNames = uniq(
      rows.map((r) => r.community),
      (n) => n,
    );
    const communityIds = zip(
      communityNames,
      await store.communities.upsertMany(
        communityNames.map((name) => ({ name })),
        ['name'],
      ),
    );
    const gridKey = (r: RosterRow) => k(r.community, r.grid);
    const gridRows = uniq(rows, gridKey);
    const gridIds = zip(
      gridRows.map(gridKey),
      await store.grids.upsertMany(
        gridRows.map((r) => ({ communityId: communityIds.get(r.community)!.id, name: r.grid })),
        ['communityId', 'name'],
      ),
    );
    step();
    const groupKey = (r: RosterRow) => k(gridKey(r), r.group);
    const groupRows = uniq(rows, groupKey);
    // roomId, headHouseId, locale and botId are left out so a re-import keeps a group's binding
    const groupIds = zip(
      groupRows.map(groupKey),
      await store.groups.upsertMany(
        groupRows.map((r) => ({ communityId: communityIds.get(r.community)!.id, gridId: gridIds.get(gridKey(r))!.id, name: r.group })),
        ['gridId', 'name'],
      ),
    );
    step();
    const landlordRows = uniq(rows, (r) => r.phone);
    const landlordIds = zip(
      landlordRows.map((r) => r.phone),
      await inSlices(landlordRows, BATCH, (batch) =>
        store.landlords.upsertMany(
          batch.map((r) => ({ name: r.landlord, phone: r.phone })),
          ['phone'],
        ),
      ),
    );
    step();
    const houseResults = await inSlices(rows, BATCH, async (batch) => {
      const out = await store.houses.upsertMany(
        batch.map((r) => ({
          code: r.houseCode,
          address: r.address,
          communityId: communityIds.get(r.community)!.id,
          gridId: gridIds.get(gridKey(r))!.id,
          groupId: groupIds.get(groupKey(r))!.id,
          landlordId: landlordIds.get(r.phone)!.id,
          tenants: r.tenants,
          rooms: r.rooms,
          isKey: r.isKey,
        })),
        ['code'],
      );
      step();
      return out;
    });
    const houseOutcome = zip(
      rows.map((r) => r.houseCode),
      houseResults,
    );
    // heads in one batch, after the houses exist: a group's head is the house marked 户长
    const headRows = rows.filter((x) => x.head);
    const headResults = await store.groups.upsertMany(
      headRows.map((r) => ({ gridId: gridIds.get(gridKey(r))!.id, name: r.group, headHouseId: houseOutcome.get(r.houseCode)!.id })),
      ['gridId', 'name'],
    );
    const headChanged = new Set(headRows.filter((_, i) => headResults[i]!.outcome === 'updated').map((r) => r.houseCode));
    onStep((done += 1), of); // (the last writes: once the houses are in, the apply finishes)

    let created = 0;
    let updated = 0;
    for (const r of rows) {
      const h = houseOutcome.get(r.houseCode)!;
      if (h.outcome === 'created') created += 1;
      else if (h.outcome === 'updated' || landlordIds.get(r.phone)!.outcome === 'updated' || headChanged.has(r.houseCode)) updated += 1;
    }
    await store.audit.insert({
      actor,
      action: 'import_roster',
      target: 'roster',
      detail: { rows: rows.length, created, updated, warnings: warnings.length },
    });
    onStep((done += 1), of);
    return { created, updated, unchanged: rows.length - created - updated, warnings };
  }

  async close(): Promise<void> {
    for (const port of this.ports) port.close();
    await this.busy;
    this.rows.length = 0;
  }
}

/**
 * What is legal but worth a look, read before anything is written: a head changing, a house
 * moving group, a landlord renamed for the same phone, a group the file takes past 15 houses
 * (its houses in the file and those it keeps that the file leaves out; only a group the file
 * makes larger). In row order; on one row, in that order (as SQLite's stage).
 */
async function warningsOf(store: Collections, rows: readonly RosterRow[]): Promise<RosterWarning[]> {
  const communityId = new Map((await store.communities.find({})).map((c) => [c.name, c.id]));
  const gridId = new Map((await store.grids.find({})).map((g) => [k(g.communityId, g.name), g.id]));
  const groups = await store.groups.find({});
  const groupById = new Map(groups.map((g) => [g.id, g]));
  const groupId = new Map(groups.map((g) => [k(g.gridId, g.name), g.id]));
  /** a row's group: its id when it exists, else a key of its names (a group the import adds) */
  const groupOf = (r: RosterRow): string => {
    const c = communityId.get(r.community);
    const g = c && gridId.get(k(c, r.grid));
    return (g && groupId.get(k(g, r.group))) || k('', r.community, r.grid, r.group);
  };
  const houses = new Map(
    (
      await findIn(
        store.houses,
        'code',
        uniq(
          rows.map((r) => r.houseCode),
          (c) => c,
        ),
      )
    ).map((h) => [h.code, h]),
  );
  const landlords = new Map(
    (
      await findIn(
        store.landlords,
        'phone',
        uniq(
          rows.map((r) => r.phone),
          (p) => p,
        ),
      )
    ).map((l) => [l.phone, l]),
  );
  const rowGroups = rows.map(groupOf);
  const heads: T.Id[] = [];
  for (const [i, r] of rows.entries()) {
    const head = r.head ? groupById.get(rowGroups[i]!)?.headHouseId : null;
    if (head) heads.push(head);
  }
  const headCode = new Map(
    (
      await findIn(
        store.houses,
        'id',
        uniq(heads, (h) => h),
      )
    ).map((h) => [h.id, h.code]),
  );

  const headChanged: RosterWarning[] = [];
  const moved: RosterWarning[] = [];
  const renamed: RosterWarning[] = [];
  const renamedPhones = new Set<string>();
  const file = new Map<string, { n: number; row: number; name: string; named: number }>();
  for (const [i, r] of rows.entries()) {
    const z = rowGroups[i]!;
    const from = r.head ? headCode.get(groupById.get(z)?.headHouseId ?? '') : undefined;
    if (from !== undefined && from !== r.houseCode)
      headChanged.push({ row: r.row, key: 'head_changed', params: { group: r.group, from, to: r.houseCode } });
    const h = houses.get(r.houseCode);
    const was = h && groupById.get(h.groupId);
    if (h && was && h.groupId !== z)
      moved.push({ row: r.row, key: 'house_moved', params: { code: r.houseCode, from: was.name, to: r.group } });
    const l = landlords.get(r.phone);
    if (l && l.name !== r.landlord && !renamedPhones.has(r.phone)) {
      renamedPhones.add(r.phone);
      renamed.push({ row: r.row, key: 'landlord_renamed', params: { from: l.name, to: r.landlord } });
    }
    const f = file.get(z) ?? { n: 0, row: r.row, name: r.group, named: 0 };
    f.n += 1;
    file.set(z, f);
  }
  // houses the file names, counted in the group they are in now
  for (const h of houses.values()) {
    const f = file.get(h.groupId);
    if (f) f.named += 1;
  }
  const now = new Map<string, number>();
  for (const h of await findIn(
    store.houses,
    'groupId',
    [...file.keys()].filter((z) => groupById.has(z)),
  ))
    now.set(h.groupId, (now.get(h.groupId) ?? 0) + 1);
  const large: RosterWarning[] = [];
  for (const [z, f] of file) {
    const total = f.n + (now.get(z) ?? 0) - f.named;
    if (total > Math.max(LARGE_GROUP, now.get(z) ?? 0))
      large.push({ row: f.row, key: 'group_large', params: { group: f.name, count: total } });
  }
  return [...headChanged, ...moved, ...renamed, ...large].sort((a, b) => a.row - b.row);
}

/** The records whose `field` is one of `values`, read in slices of IN_BATCH. */
async function findIn<E extends T.Entity, F extends keyof E & string>(
  coll: Collection<E>,
  field: F,
  values: readonly E[F][],
): Promise<E[]> {
  const out: E[] = [];
  for (let i = 0; i < values.length; i += IN_BATCH)
    out.push(...(await coll.find({ [field]: { in: values.slice(i, i + IN_BATCH) } } as Filter<E>)));
  return out;
}

/** Runs `run` over slices of `size` items, in order. */
async function inSlices<V, R>(items: readonly V[], size: number, run: (batch: readonly V[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await run(items.slice(i, i + size))));
  return out;
}

function zip<R>(keys: string[], results: R[]): Map<string, R> {
  return new Map(keys.map((key, i) => [key, results[i]!]));
}
