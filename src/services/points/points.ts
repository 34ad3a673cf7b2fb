import { POINT_RULES, rank } from '../../domain/points';
import { zonedInstant } from '../../domain/period';
import type { House, PointReason } from '../../domain/types';
import type { Deps } from '../deps';

/**
 * Awards a house's landlord the points of `reason` for `refId` (the commitment, submission,
 * hazard or tip that earned them) — once: the ledger's unique key refuses a second line.
 * Returns whether this call added it.
 */
export async function award(
  deps: Deps,
  input: { reason: PointReason; refId: string; house: Pick<House, 'landlordId' | 'contactId' | 'gridId'>; amount?: number },
): Promise<boolean> {
  const { house } = input;
  const amount = input.amount ?? (await pointRules(deps))[input.reason];
  const line = {
    landlordId: house.landlordId,
    contactId: house.contactId,
    gridId: house.gridId,
    reason: input.reason,
    amount,
    refId: input.refId,
  };
  return (await deps.store.points.insertIfAbsent(line)) !== null;
}

/** The amounts in force: the defaults of POINT_RULES, with the ones an admin changed. */
export async function pointRules({ store }: Deps): Promise<Record<PointReason, number>> {
  const changed = await store.pointRules.find({});
  return { ...POINT_RULES, ...Object.fromEntries(changed.map((r) => [r.reason, r.amount])) };
}

/** An admin changes amounts (they apply to awards from now on; the ledger keeps what was awarded). */
export async function setPointRules(
  deps: Deps,
  input: { rules: Partial<Record<PointReason, number>>; by: string },
): Promise<Record<PointReason, number>> {
  const before = await pointRules(deps);
  const drafts = Object.entries(input.rules).map(([reason, amount]) => ({ reason: reason as PointReason, amount: amount! }));
  await deps.store.pointRules.upsertMany(drafts, ['reason']);
  await deps.store.audit.insert({
    actor: input.by,
    action: 'set_point_rules',
    target: 'point_rules',
    detail: { before, after: input.rules },
  });
  return pointRules(deps);
}

export interface LandlordPoints {
  landlordId: string;
  name: string;
  points: number;
  rank: number;
}

/** A year's start and end where the campaign runs. */
export const yearRange = (year: number, timeZone: string) => ({
  gte: zonedInstant(`${year}-01-01`, '00:00:00', timeZone),
  lt: zonedInstant(`${year + 1}-01-01`, '00:00:00', timeZone),
});

/** Landlords of some grids ranked by their points in a year (ties share a rank). */
export async function rankLandlords(deps: Deps, input: { gridIds: string[] | null; year: number }): Promise<LandlordPoints[]> {
  const { store } = deps;
  const lines = await store.points.find({
    ...(input.gridIds ? { gridId: { in: input.gridIds } } : {}),
    createdAt: yearRange(input.year, deps.timeZone),
  });
  const sums = new Map<string, number>();
  for (const l of lines) if (l.landlordId) sums.set(l.landlordId, (sums.get(l.landlordId) ?? 0) + l.amount);
  const names = new Map((await store.landlords.find({ id: { in: [...sums.keys()] } })).map((l) => [l.id, l.name]));
  return rank([...sums].map(([landlordId, points]) => ({ landlordId, name: names.get(landlordId) ?? '', points })));
}

/**
 * `积分`: a person's points this year and their rank in their grid. Points are the holder's
 * (issue 25): given a contact, a line counts for the contact it was awarded to (a line awarded to
 * no contact, for the roster's landlord), so after a transfer the buyer starts from 0 and the
 * seller keeps what they earned; without one, for the landlord. `except` leaves reasons out (in a
 * group, the points of accepted tips: a jump of 20 would tell the neighbours who reported).
 */
export async function myPoints(
  deps: Deps,
  input: {
    landlordId: string;
    contactId?: string | null;
    gridId: string;
    year: number;
    except?: readonly PointReason[];
  },
): Promise<{ points: number; rank: number | null; of: number }> {
  const lines = await deps.store.points.find({ gridId: input.gridId, createdAt: yearRange(input.year, deps.timeZone) });
  const byContact = Boolean(input.contactId);
  const holderOf = (l: { contactId?: string | null; landlordId: string | null }) =>
    byContact && l.contactId ? `contact:${l.contactId}` : `landlord:${l.landlordId ?? ''}`;
  const sums = new Map<string, number>();
  for (const l of lines) {
    if (input.except?.includes(l.reason)) continue;
    sums.set(holderOf(l), (sums.get(holderOf(l)) ?? 0) + l.amount);
  }
  const me = rank([...sums].map(([holder, points]) => ({ holder, points }))).find((r) => r.holder === holderOf(input));
  const landlords = (await deps.store.houses.distinct('landlordId', { gridId: input.gridId })).length;
  return { points: me?.points ?? 0, rank: me?.rank ?? null, of: landlords };
}
