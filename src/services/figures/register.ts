import { maskPhone } from '../../domain/privacy';
import { placedFilter, type PlacedScope } from '../../domain/scope';
import type { HouseFigure } from '../../domain/types';
import type { Deps } from '../deps';
import { currentLetterVersion } from '../commitments/letter-version';
import { yearRange } from '../points/points';

/** What a register row may be filtered by (issue 26: the 台账's filters). */
export const REGISTER_STATUSES = ['uncommitted', 'uninspected', 'returned', 'overdue', 'unregistered', 'unbound'] as const;
export type RegisterStatus = (typeof REGISTER_STATUSES)[number];

/** One house of the register: its figures for the month, its place by name, and whether its holder and group are on WeChat. */
export interface RegisterRow extends Omit<HouseFigure, 'landlordPhone' | 'approvedBy'> {
  /** masked unless the caller may read phones */
  landlordPhone: string;
  community: string;
  grid: string;
  group: string;
  /** a WeChat contact holds the house (登记) */
  registered: boolean;
  /** its group's WeChat room is bound */
  bound: boolean;
}

const PAGE = 500;
/** a search's matches in a page up to which each is counted alone (more: the whole page in one count) */
const FEW = 20;
/** the codes starting with `code` lie after this one (codes never hold '~', which sorts after them) */
const justBefore = (code: string) => `${code.slice(0, -1)}${String.fromCharCode(code.charCodeAt(code.length - 1) - 1)}~`;
/** at most this many houses are looked at per request: a rare search over a city answers in parts (`next`) */
const SCAN = 10_000;
/** a house code as typed (ASCII letters and digits, one digit at least): searched as a range of codes, not a scan */
const CODE_LIKE = /^(?=[A-Z0-9_-]*\d)[A-Z][A-Z0-9_-]{0,23}$/;

/** How a search is read: a house code's start, phone digits (only for callers who may read phones), else words in a name or address. */
function matcher(q: string | undefined, phones: boolean): ((h: HouseFigure) => boolean) | null {
  const s = q?.normalize('NFKC').trim().toUpperCase();
  if (!s) return null;
  const digits = s.replace(/[\s-]/g, '');
  if (/^\d{3,11}$/.test(digits)) {
    return (h) => h.code.includes(digits) || (phones && h.landlordPhone.replace(/\D/g, '').includes(digits)) || h.address.includes(digits);
  }
  return (h) => h.code.startsWith(s) || h.landlordName.toUpperCase().includes(s) || h.address.toUpperCase().includes(s);
}

function statusOf(status: RegisterStatus, r: RegisterRow): boolean {
  switch (status) {
    case 'uncommitted':
      return !r.committed;
    case 'uninspected':
      return r.submission !== 'complete' && r.submission !== 'approved';
    case 'returned':
      return r.submission === 'returned';
    case 'overdue':
      return r.hazardsOverdue > 0;
    case 'unregistered':
      return !r.registered;
    case 'unbound':
      return !r.bound;
  }
}

/**
 * The register (台账, issue 26): the houses of a scope in code order with their landlord, place
 * names and this month's state, searched and filtered, page by page (`after` the last code; `next`
 * where the next page starts). The month's figures are the store's one per-house count (the report's).
 */
export async function readRegister(
  deps: Deps,
  input: { where: PlacedScope; period: string; q?: string; status?: RegisterStatus; after?: string; limit: number; showPhones: boolean },
): Promise<{ items: RegisterRow[]; next: string | null }> {
  const { store } = deps;
  const letterVersion = await currentLetterVersion(store);
  const prefix = input.q?.normalize('NFKC').trim().toUpperCase() ?? '';
  const byCode = CODE_LIKE.test(prefix);
  const match = byCode ? null : matcher(input.q, input.showPhones);
  const names = new Map<string, string>();
  const bound = new Map<string, boolean>();
  const items: RegisterRow[] = [];
  const before = byCode ? justBefore(prefix) : undefined;
  let after = input.after ?? before;
  const figuresOf = (afterCode: string | undefined, limit: number) =>
    store.houseFigures({
      where: placedFilter(input.where),
      by: 'all',
      period: input.period,
      letterVersion,
      now: deps.clock.now(),
      year: yearRange(Number(input.period.slice(0, 4)), deps.timeZone),
      afterCode,
      limit,
    });
  /** a page of PAGE houses after `from`, by code, with their figures (all of them, or only those matching the search) */
  async function nextPage(from: string | undefined): Promise<{ rows: HouseFigure[]; length: number; last?: string }> {
    if (!match && (!input.status || byCode)) {
      const rows = await figuresOf(from, PAGE);
      return { rows, length: rows.length, last: rows.at(-1)?.code };
    }
    // a search by words or digits, or a status: the houses' text and the few records a status depends on
    // read first (a few fields, no figures), the figures counted only for the houses that may match
    // (counting every house of the page to find one made a rare name over a 100,000-house street 2.4 s
    // in all, and "not committed" where all had committed 5 s: bench:dashboard)
    const houses = await store.houses.find(
      { ...placedFilter(input.where), ...(from === undefined ? {} : { code: { gt: from } }) },
      { sort: { code: 1 }, limit: PAGE, fields: ['code', 'address', 'landlordId', 'contactId', 'groupId'] },
    );
    const landlords = match
      ? new Map(
          (await store.landlords.find({ id: { in: [...new Set(houses.map((h) => h.landlordId))] } }, { fields: ['name', 'phone'] })).map(
            (l) => [l.id, l],
          ),
        )
      : null;
    const maybe = input.status ? await mayHaveStatus(input.status, houses) : null;
    const hits = houses.filter((h) => {
      if (maybe && !maybe(h)) return false;
      if (!match) return true;
      const l = landlords!.get(h.landlordId);
      return match({ code: h.code, address: h.address, landlordName: l?.name ?? '', landlordPhone: l?.phone ?? '' } as HouseFigure);
    });
    const last = houses.at(-1)?.code;
    // a common word (many of the page match): the page's figures in one count, as without a search
    if (hits.length > FEW) {
      const ids = new Set(hits.map((h) => h.id));
      return { rows: (await figuresOf(from, PAGE)).filter((f) => ids.has(f.houseId)), length: houses.length, last };
    }
    const rows: HouseFigure[] = [];
    for (const h of hits) {
      // this one house's figures: the first by code from just before its code
      const [f] = await figuresOf(justBefore(h.code), 1);
      if (f?.houseId === h.id) rows.push(f);
    }
    return { rows, length: houses.length, last };
  }
  /**
   * Which houses of a page may have a status, from the records it depends on (never fewer than
   * have it: the status itself is then checked on the counted figures, as for every row).
   */
  async function mayHaveStatus(
    status: RegisterStatus,
    houses: { id: string; contactId: string | null; groupId: string }[],
  ): Promise<(h: { id: string; contactId: string | null; groupId: string }) => boolean> {
    const ids = houses.map((h) => h.id);
    switch (status) {
      case 'uncommitted': {
        // committed: by the present holder, or by no contact (on paper) — as the figures count it
        if (letterVersion === null) return () => true;
        const held = await store.commitments.find({ houseId: { in: ids }, letterVersion }, { fields: ['houseId', 'contactId'] });
        const by = new Map<string, (string | null)[]>();
        for (const c of held) by.set(c.houseId, [...(by.get(c.houseId) ?? []), c.contactId]);
        return (h) => !(by.get(h.id) ?? []).some((c) => c === null || c === h.contactId);
      }
      case 'uninspected':
      case 'returned': {
        const subs = await store.submissions.find({ houseId: { in: ids }, period: input.period }, { fields: ['houseId', 'status'] });
        const of = new Map<string, string[]>();
        for (const x of subs) of.set(x.houseId, [...(of.get(x.houseId) ?? []), x.status]);
        // the latest submission decides: a house may be uninspected unless every one is complete or approved
        if (status === 'returned') return (h) => (of.get(h.id) ?? []).includes('returned');
        return (h) => !(of.get(h.id)?.length && of.get(h.id)!.every((x) => x === 'complete' || x === 'approved'));
      }
      case 'overdue': {
        const late = await store.hazards.find(
          { houseId: { in: ids }, status: { in: ['open', 'rectified'] }, deadline: { lt: deps.clock.now() } },
          { fields: ['houseId'] },
        );
        const set = new Set(late.map((z) => z.houseId));
        return (h) => set.has(h.id);
      }
      case 'unregistered':
        return (h) => h.contactId === null;
      case 'unbound': {
        const groups = await store.groups.find({ id: { in: [...new Set(houses.map((h) => h.groupId))] } }, { fields: ['roomId'] });
        const unbound = new Set(groups.filter((g) => g.roomId === null).map((g) => g.id));
        return (h) => unbound.has(h.groupId);
      }
    }
  }
  for (let scanned = 0; scanned < SCAN;) {
    const page = await nextPage(after);
    scanned += page.length;
    // past the codes that start with the prefix: nothing further can match
    const inRange = byCode ? page.rows.filter((h) => h.code.startsWith(prefix)) : page.rows;
    const ended = byCode && inRange.length < page.rows.length;
    const found = inRange;
    // names and WeChat state for the houses that passed the search
    const unnamed = (ids: string[]) => [...new Set(ids)].filter((id) => !names.has(id));
    const [cs, gs, groups] = await Promise.all([
      store.communities.find({ id: { in: unnamed(found.map((h) => h.communityId)) } }),
      store.grids.find({ id: { in: unnamed(found.map((h) => h.gridId)) } }),
      store.groups.find({ id: { in: unnamed(found.map((h) => h.groupId)) } }),
    ]);
    for (const x of [...cs, ...gs, ...groups]) names.set(x.id, x.name);
    for (const g of groups) bound.set(g.id, g.roomId !== null);
    const held = new Set(
      (await store.houses.find({ id: { in: found.map((h) => h.houseId) }, contactId: { ne: null } }, { fields: ['id'] })).map((h) => h.id),
    );
    for (const h of found) {
      const { landlordPhone, approvedBy: _approvedBy, ...rest } = h;
      const row: RegisterRow = {
        ...rest,
        landlordPhone: input.showPhones ? landlordPhone : maskPhone(landlordPhone),
        community: names.get(h.communityId) ?? '',
        grid: names.get(h.gridId) ?? '',
        group: names.get(h.groupId) ?? '',
        registered: held.has(h.houseId),
        bound: bound.get(h.groupId) ?? false,
      };
      if (input.status && !statusOf(input.status, row)) continue;
      items.push(row);
      if (items.length === input.limit) return { items, next: row.code };
    }
    if (page.length < PAGE || ended) return { items, next: null };
    after = page.last;
  }
  // looked at enough for one request: the caller asks on from here
  return { items, next: after ?? null };
}
