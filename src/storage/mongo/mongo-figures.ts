import type mongoose from 'mongoose';
import { emptyFigures, type FigureQuery, type FigureRow, type FigureStore, type HouseFigure } from '../figures';
import { SPECS } from '../schema';

const FIELD = { all: null, community: '$communityId', grid: '$gridId', group: '$groupId' } as const;
const LIVE = ['open', 'rectified'];
type Doc = Record<string, unknown>;

/** `$lookup` of a house's records of one collection, matched on `houseId` and more conditions. */
const lookup = (from: string, as: string, and: Doc[], extra: Doc[] = [{ $limit: 1 }, { $project: { _id: 1 } }]) => ({
  $lookup: { from, let: { h: '$_id' }, pipeline: [{ $match: { $expr: { $and: [{ $eq: ['$houseId', '$$h'] }, ...and] } } }, ...extra], as },
});

/**
 * Each house of `q.where` with its flags for a month, letter and instant: committed (by its
 * present holder), submitted, approved, its live hazards and those overdue. Shared by the
 * recount and the kept figures' verifying recount (issue 29).
 */
export const flags = (q: Pick<FigureQuery, 'where' | 'period' | 'letterVersion' | 'now'>): Doc[] => [
  { $match: { ...q.where } },
  // by the house's present holder (one made by no contact counts for the house), as in SQLite (issue 25)
  {
    $lookup: {
      from: SPECS.commitments.name,
      let: { h: '$_id', holder: '$contactId' },
      pipeline: [
        {
          $match: {
            $expr: {
              $and: [
                { $eq: ['$houseId', '$$h'] },
                { $eq: ['$letterVersion', q.letterVersion ?? -1] },
                { $or: [{ $eq: [{ $ifNull: ['$contactId', null] }, null] }, { $eq: ['$contactId', '$$holder'] }] },
              ],
            },
          },
        },
        { $limit: 1 },
        { $project: { _id: 1 } },
      ],
      as: 'c',
    },
  },
  lookup(SPECS.submissions.name, 's', [{ $eq: ['$period', q.period] }], [{ $project: { status: 1, reviewedBy: 1, updatedAt: 1 } }]),
  lookup(SPECS.hazards.name, 'z', [{ $in: ['$status', LIVE] }], [{ $project: { deadline: 1 } }]),
  {
    $addFields: {
      committed: { $gt: [{ $size: '$c' }, 0] },
      submitted: { $anyElementTrue: [{ $map: { input: '$s', in: { $in: ['$$this.status', ['complete', 'approved']] } } }] },
      approved: { $anyElementTrue: [{ $map: { input: '$s', in: { $eq: ['$$this.status', 'approved'] } } }] },
      hazardsOpen: { $size: '$z' },
      hazardsOverdue: { $size: { $filter: { input: '$z', cond: { $lt: ['$$this.deadline', q.now] } } } },
    },
  },
];

const one = (cond: unknown) => ({ $sum: { $cond: [cond, 1, 0] } });
/** the houses' counts (from `flags`), grouped by `id` */
export const houseCounts = (id: unknown) => ({
  $group: {
    _id: id,
    houses: { $sum: 1 },
    keyHouses: one('$isKey'),
    committed: one('$committed'),
    submitted: one('$submitted'),
    approved: one('$approved'),
    compliant: one({ $and: ['$committed', '$approved', { $eq: ['$hazardsOverdue', 0] }] }),
  },
});
/** live hazards' counts grouped by `id`, overdue at `now` */
export const hazardCounts = (id: unknown, now: Date) => ({
  $group: { _id: id, hazardsOpen: { $sum: 1 }, hazardsOverdue: one({ $lt: ['$deadline', now] }) },
});

/**
 * The figures as aggregation pipelines (issue 11), the same definitions as the SQLite
 * adapter's SQL: each house of the scope looked up against its commitment, submissions and
 * overdue hazards (by the `houseId` indexes), grouped on the server.
 */
export function mongoFigures(conn: mongoose.Connection): FigureStore {
  const coll = (name: keyof typeof SPECS) => conn.collection(SPECS[name].name);
  return {
    async figures(q) {
      const key = FIELD[q.by];
      const [houses, hazards] = await Promise.all([
        coll('houses')
          .aggregate([...flags(q), houseCounts(key)])
          .toArray(),
        coll('hazards')
          .aggregate([{ $match: { ...q.where, status: { $in: LIVE } } }, hazardCounts(key, q.now)])
          .toArray(),
      ]);
      const rows = new Map<string | null, FigureRow>(
        houses.map(({ _id, ...r }) => [_id as string | null, { ...emptyFigures(_id as string | null), ...(r as object) }]),
      );
      for (const { _id, ...h } of hazards)
        Object.assign(
          rows.get(_id as string | null) ?? rows.set(_id as string | null, emptyFigures(_id as string | null)).get(_id as string | null)!,
          h,
        );
      if (q.by === 'all' && rows.size === 0) rows.set(null, emptyFigures(null));
      return [...rows.values()];
    },
    async houseFigures(q) {
      const docs = await coll('houses')
        .aggregate([
          { $match: { ...q.where, ...(q.afterCode !== undefined ? { code: { $gt: q.afterCode } } : {}) } },
          { $sort: { code: 1 } },
          { $limit: q.limit },
          ...flags(q).slice(1),
          { $lookup: { from: SPECS.landlords.name, localField: 'landlordId', foreignField: '_id', as: 'l' } },
          {
            $lookup: {
              from: SPECS.points.name,
              let: { l: '$landlordId' },
              pipeline: [
                {
                  $match: {
                    $expr: {
                      $and: [{ $eq: ['$landlordId', '$$l'] }, { $gte: ['$createdAt', q.year.gte] }, { $lt: ['$createdAt', q.year.lt] }],
                    },
                  },
                },
                { $group: { _id: null, total: { $sum: '$amount' } } },
              ],
              as: 'p',
            },
          },
          { $sort: { code: 1 } },
        ])
        .toArray();
      return docs.map((d): HouseFigure => {
        const subs = (d.s as { status: HouseFigure['submission']; reviewedBy: string | null; updatedAt: Date }[]).sort(
          (a, b) => +b.updatedAt - +a.updatedAt,
        );
        const l = (d.l as { name: string; phone: string }[])[0];
        return {
          houseId: d._id as unknown as string,
          code: d.code,
          address: d.address,
          communityId: d.communityId,
          gridId: d.gridId,
          groupId: d.groupId,
          isKey: Boolean(d.isKey),
          landlordName: l?.name ?? '',
          landlordPhone: l?.phone ?? '',
          committed: Boolean(d.committed),
          submission: subs[0]?.status ?? null,
          approvedBy: subs.find((s) => s.status === 'approved')?.reviewedBy ?? null,
          hazardsOpen: d.hazardsOpen,
          hazardsOverdue: d.hazardsOverdue,
          points: (d.p as { total: number }[])[0]?.total ?? 0,
        };
      });
    },
    async nextDeadline(now) {
      const [h] = await coll('hazards')
        .find({ status: { $in: LIVE }, deadline: { $gte: now } })
        .sort({ deadline: 1 })
        .limit(1)
        .project({ deadline: 1 })
        .toArray();
      return (h?.deadline as Date | undefined) ?? null;
    },
    // no cheap change marker on a shared server: figures are recounted on every request
    revision: () => null,
  };
}
