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
  /** the roster landlord the points were earned for */
  landlordId: string;
  /** the WeChat contact who holds them (issue 25: a buyer starts from 0, a seller keeps theirs); null for lines awarded to nobody */
  contactId: string | null;
  name: string;
  points: number;
  rank: number;
}

/** Whose a points line is (issue 25): the contact it was awarded to, or, awarded to none, the roster landlord. */
const holderOf = (l: { contactId?: string | null; landlordId: string | null }) =>
  l.contactId ? `contact:${l.contactId}` : `landlord:${l.landlordId ?? ''}`;

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
  // per holder, as 积分 counts them: a house's seller and buyer are two lines of the ranking
  const sums = new Map<string, { landlordId: string; contactId: string | null; points: number }>();
  for (const l of lines) {
    if (!l.landlordId) continue;
    const key = holderOf(l);
    const sum = sums.get(key) ?? { landlordId: l.landlordId, contactId: l.contactId ?? null, points: 0 };
    sums.set(key, { ...sum, points: sum.points + l.amount });
  }
  const held = [...sums.values()];
  const landlordIds = [...new Set(held.map((h) => h.landlordId))];
  const contactIds = [...new Set(held.flatMap((h) => (h.contactId ? [h.contactId] : [])))];
  const names = new Map((await store.landlords.find({ id: { in: landlordIds } })).map((l) => [l.id, l.name]));
  const contacts = new Map((await store.contacts.find({ id: { in: contactIds } })).map((c) => [c.id, c]));
  // the roster's name; where several hold points under one roster landlord (a house changed hands
  // before the roster did), each with their WeChat name beside it
  const holders = new Map<string, number>();
  for (const h of held) holders.set(h.landlordId, (holders.get(h.landlordId) ?? 0) + 1);
  const nameOf = (h: (typeof held)[number]) => {
    const roster = names.get(h.landlordId) ?? '';
    const c = h.contactId ? contacts.get(h.contactId) : undefined;
    return c && (holders.get(h.landlordId) ?? 0) > 1 ? `${roster}（${c.name}）` : roster;
  };
  return rank(held.map((h) => ({ ...h, name: nameOf(h) })));
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
  // (asked for a landlord without a contact: every line of theirs)
  const keyOf = input.contactId ? holderOf : (l: { landlordId: string | null }) => `landlord:${l.landlordId ?? ''}`;
  const sums = new Map<string, number>();
  for (const l of lines) {
    if (input.except?.includes(l.reason)) continue;
    sums.set(keyOf(l), (sums.get(keyOf(l)) ?? 0) + l.amount);
  }
  const me = rank([...sums].map(([holder, points]) => ({ holder, points }))).find((r) => r.holder === keyOf(input));
  const landlords = (await deps.store.houses.distinct('landlordId', { gridId: input.gridId })).length;
  return { points: me?.points ?? 0, rank: me?.rank ?? null, of: landlords };
}
