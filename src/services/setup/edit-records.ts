import { DomainError, isConflict } from '../../domain/errors';
import { audit } from '../access/audit';
import type * as T from '../../domain/types';
import type { Collection } from '../../storage/store';
import type { Deps } from '../deps';

/** The street's tree records staff edit by hand (SPEC §6: CRUD under these paths). */
export type TreeName = 'communities' | 'grids' | 'groups' | 'houses' | 'landlords';
type Row = T.Entity & Record<string, unknown>;
type Placement = { communityId: T.Id | null; gridId: T.Id | null; groupId: T.Id | null };

/** Where a record sits (what its audit entry is filed under); a landlord: where their first house is. */
async function placementOf({ store }: Deps, name: TreeName, row: Row): Promise<Placement> {
  const none = { communityId: null, gridId: null, groupId: null };
  switch (name) {
    case 'communities':
      return { ...none, communityId: row.id };
    case 'grids':
      return { ...none, communityId: row.communityId as T.Id, gridId: row.id };
    case 'groups':
      return { communityId: row.communityId as T.Id, gridId: row.gridId as T.Id, groupId: row.id };
    case 'houses':
      return { communityId: row.communityId as T.Id, gridId: row.gridId as T.Id, groupId: row.groupId as T.Id };
    case 'landlords': {
      const h = await store.houses.findOne({ landlordId: row.id });
      return h ? { communityId: h.communityId, gridId: h.gridId, groupId: h.groupId } : none;
    }
  }
}

/** What may not be removed while something hangs under it. */
const CHILDREN: Record<TreeName, { of: keyof T.Entity | string; coll: 'grids' | 'groups' | 'houses'; field: string }[]> = {
  communities: [{ of: 'id', coll: 'grids', field: 'communityId' }],
  grids: [{ of: 'id', coll: 'groups', field: 'gridId' }],
  groups: [{ of: 'id', coll: 'houses', field: 'groupId' }],
  landlords: [{ of: 'id', coll: 'houses', field: 'landlordId' }],
  houses: [],
};

/** Records that carry a house's place in the street: they move with it. */
const FOLLOW_HOUSE = ['commitments', 'submissions', 'hazards', 'tips'] as const;

/**
 * Edits a tree record (issue 9): a house moves between groups (its submissions, hazards and
 * commitments move with it), a group changes its head, names and phones are corrected. The
 * change and its before/after land in the audit log in the same unit.
 */
export async function editRecord(
  deps: Deps,
  input: { name: TreeName; id: T.Id; patch: Record<string, unknown>; actor: string },
): Promise<Row> {
  const { store } = deps;
  const coll = store[input.name] as unknown as Collection<Row>;
  return store.atomically(async () => {
    const before = await coll.get(input.id);
    if (!before) throw new DomainError('not_found', input.name);
    const patch: Record<string, unknown> = { ...input.patch };
    if (input.name === 'houses') await prepareHouse(deps, before as unknown as T.House, patch);
    if (input.name === 'groups' && patch.headHouseId !== undefined && patch.headHouseId !== null) {
      const head = await store.houses.get(String(patch.headHouseId));
      if (!head || head.groupId !== before.id)
        throw new DomainError('house_not_in_group', String(patch.headHouseId), { code: String(patch.headHouseId) });
    }
    const changed = Object.fromEntries(Object.entries(patch).filter(([k, v]) => v !== undefined && before[k] !== v));
    if (Object.keys(changed).length === 0) return before;
    const after = (await coll.update(input.id, changed as never).catch((e: unknown) => {
      // a phone another landlord has: said without confirming whose, or that one has it (issue 30)
      throw input.name === 'landlords' && changed.phone !== undefined && isConflict(e) ? new DomainError('phone_unavailable', 'phone') : e;
    }))!;
    if (input.name === 'houses' && changed.groupId !== undefined) {
      const placed = { communityId: after.communityId, gridId: after.gridId, groupId: after.groupId };
      for (const c of FOLLOW_HOUSE) {
        const coll = store[c] as unknown as Collection<Row>;
        await coll.updateWhere({ houseId: after.id } as never, placed as never);
        // the points those records earned are counted where the house now is (a grid's ranking)
        const refs = (await coll.distinct('id', { houseId: after.id } as never)) as string[];
        if (refs.length) await store.points.updateWhere({ refId: { in: refs } }, { gridId: after.gridId as string });
      }
    }
    const was = Object.fromEntries(Object.keys(changed).map((k) => [k, before[k] ?? null]));
    const entry = {
      actor: input.actor,
      action: `edit_${input.name}`,
      target: `${input.name}:${input.id}`,
      detail: { before: hidePhone(was), after: hidePhone(changed) },
    };
    await audit(deps, { ...entry, at: await placementOf(deps, input.name, after) });
    // a house that moved is on the record where it left, too (that scope's staff see it go)
    if (input.name === 'houses' && changed.groupId !== undefined)
      await audit(deps, { ...entry, at: await placementOf(deps, input.name, before) });
    return after;
  });
}

/** A house's group decides its grid and community; its tenants decide whether it is a key house. */
async function prepareHouse({ store }: Deps, house: T.House, patch: Record<string, unknown>): Promise<void> {
  if (patch.tenants !== undefined) patch.isKey = Number(patch.tenants) >= 10;
  if (patch.landlordId !== undefined && !(await store.landlords.get(String(patch.landlordId))))
    throw new DomainError('not_found', 'landlord');
  if (patch.groupId === undefined || patch.groupId === house.groupId) return;
  const group = await store.groups.get(String(patch.groupId));
  if (!group) throw new DomainError('not_found', 'group');
  const from = await store.groups.get(house.groupId);
  if (from?.headHouseId === house.id) throw new DomainError('head_house_move', house.code);
  Object.assign(patch, { communityId: group.communityId, gridId: group.gridId });
}

/** Audit entries keep that a phone changed, not the numbers (personal data stays out of logs). */
const hidePhone = (o: Record<string, unknown>) => ('phone' in o ? { ...o, phone: '***' } : o);

/** Removes a tree record that nothing hangs under any more; the removal is audited with what it was. */
export async function removeRecord(deps: Deps, input: { name: TreeName; id: T.Id; actor: string }): Promise<void> {
  const { store } = deps;
  const coll = store[input.name] as unknown as Collection<Row>;
  await store.atomically(async () => {
    const row = await coll.get(input.id);
    if (!row) throw new DomainError('not_found', input.name);
    for (const c of CHILDREN[input.name]) {
      const n = await (store[c.coll] as unknown as Collection<Row>).count({ [c.field]: row[c.of as string] } as never);
      if (n > 0) throw new DomainError('not_empty', `${input.name} has ${c.coll}`, { detailKey: `has_${c.coll}`, count: n });
    }
    if (input.name === 'houses') {
      const h = row as unknown as T.House;
      const group = await store.groups.get(h.groupId);
      if (group?.headHouseId === h.id) throw new DomainError('head_house_move', h.code);
      const open = await store.hazards.count({ houseId: h.id, status: { in: ['open', 'rectified'] } });
      if (open > 0) throw new DomainError('not_empty', 'house has open hazards', { detailKey: 'has_hazards', count: open });
    }
    const at = await placementOf(deps, input.name, row);
    await coll.delete(input.id);
    await audit(deps, {
      actor: input.actor,
      action: `delete_${input.name}`,
      target: `${input.name}:${input.id}`,
      detail: { before: hidePhone({ ...row }) },
      at,
    });
  });
}
