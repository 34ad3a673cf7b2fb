import type { Worksheet } from 'exceljs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { maskPhone } from '../../domain/privacy';
import { placedFilter, type PlacedScope } from '../../domain/scope';
import type { Id } from '../../domain/types';
import type { FigureRow, HouseFigure } from '../../storage/figures';
import type { Deps } from '../deps';
import { countFigures, withRates } from './get-stats';
import { yearRange } from '../points/points';
import { currentLetterVersion } from '../commitments/letter-version';
import { isClosed } from './frozen-figures';
import { loadExcel } from '../../libraries';

type T = (key: string, params?: Record<string, unknown>) => string;
const PAGE = 2000;
const HOUSE_COLUMNS = [
  'community',
  'grid',
  'group',
  'code',
  'address',
  'landlord',
  'phone',
  'isKey',
  'committed',
  'submission',
  'approvedBy',
  'hazardsOpen',
  'hazardsOverdue',
  'points',
] as const;
const SUMMARY_COLUMNS = [
  'level',
  'community',
  'name',
  'houses',
  'keyHouses',
  'committedN',
  'submitted',
  'approved',
  'compliant',
  'commitmentRate',
  'inspectionRate',
  'complianceRate',
  'hazardsOpen',
  'hazardsOverdue',
] as const;

/** Resolves once the stream has room again (a slow download must not pile the report up in memory). */
async function drained(out: Writable): Promise<void> {
  while (out.writableNeedDrain && !out.destroyed) await once(out, 'drain');
}

/** A cell a spreadsheet must never run: text starting with = + - @ (or a tab/CR) is written with a leading apostrophe in CSV. */
const inert = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
const csvField = (v: unknown) => {
  const s = inert(String(v ?? ''));
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The houses of one community (or part of it) with their figures, page by page: frozen rows for a closed month, else live. */
async function* houseRows(
  deps: Deps,
  input: { where: PlacedScope; communityId: Id; period: string; letterVersion: number | null; year: number; live?: boolean },
): AsyncGenerator<HouseFigure> {
  const { store } = deps;
  const where = { ...placedFilter(input.where), communityId: input.communityId };
  const frozen = !input.live && (await isClosed(deps, input.period));
  for (let after: string | undefined; ;) {
    const page: HouseFigure[] = frozen
      ? (
          await store.reportRows.find(
            { ...where, period: input.period, ...(after ? { code: { gt: after } } : {}) },
            { sort: { code: 1 }, limit: PAGE },
          )
        ).map((r) => r.data)
      : await store.houseFigures({
          where,
          by: 'all',
          period: input.period,
          letterVersion: input.letterVersion,
          now: deps.clock.now(),
          year: yearRange(input.year, deps.timeZone),
          afterCode: after,
          limit: PAGE,
        });
    yield* page;
    if (page.length < PAGE) return;
    after = page.at(-1)!.code;
  }
}

/** The summary figures (whole scope, each community, each grid): a closed month's are its frozen rows' (countFigures reads them). */
async function summary(deps: Deps, input: { where: PlacedScope; period: string }) {
  const q = { where: placedFilter(input.where), period: input.period };
  const [all, community, grid] = await Promise.all([
    countFigures(deps, { ...q, by: 'all' }),
    countFigures(deps, { ...q, by: 'community' }),
    countFigures(deps, { ...q, by: 'grid' }),
  ]);
  return { all: all.rows[0]!, community: community.rows, grid: grid.rows };
}

/** A worksheet name Excel accepts: at most 31 characters, none of []:*?/\, unique in the book. */
function sheetName(name: string, taken: Set<string>): string {
  // Excel refuses []:*?/\, an apostrophe at either end, and the name History (reserved)
  let base =
    name
      .replace(/[[\]:*?/\\]/g, ' ')
      .trim()
      .replace(/^'+|'+$/g, '')
      .trim()
      .slice(0, 28) || 'Sheet';
  if (base.toLowerCase() === 'history') base = `${base} 1`;
  let n = base;
  for (let i = 2; taken.has(n); i += 1) n = `${base.slice(0, 27)}${i}`;
  taken.add(n);
  return n;
}

/**
 * The monthly report (issue 11): a summary sheet (rates per community and grid, a total
 * row) and one sheet per community with a row per house, streamed with exceljs's
 * WorkbookWriter page by page, so memory stays flat however large the street. Phones are
 * masked unless the caller may read them. `csv`: the house rows as one CSV (UTF-8 with BOM).
 */
export async function prepareMonthlyReport(
  deps: Deps,
  input: {
    where: PlacedScope;
    period: string;
    year: number;
    showPhones: boolean;
    format: 'xlsx' | 'csv';
    t: T;
    /** free text (names, addresses) as the reader sees it: a head's masked (issue 30); as stored when not given */
    text?: (s: string) => string;
  },
): Promise<{ write(out: Writable): Promise<void> }> {
  const { store } = deps;
  const { t } = input;
  const letterVersion = await currentLetterVersion(store);
  const communityIds = input.where.communityId
    ? [input.where.communityId]
    : (await store.communities.find({}, { sort: { name: 1 } })).map((c) => c.id);
  const communities = new Map((await store.communities.find({ id: { in: communityIds } })).map((c) => [c.id, c.name]));
  const grids = new Map(
    (await store.grids.find(input.where.communityId ? { communityId: input.where.communityId } : {})).map((g) => [g.id, g]),
  );
  const w = input.where;
  const groups = new Map(
    (
      await store.groups.find(
        w.groupId ? { id: w.groupId } : w.gridId ? { gridId: w.gridId } : w.communityId ? { communityId: w.communityId } : {},
      )
    ).map((g) => [g.id, g.name]),
  );
  const text = input.text ?? ((x: string) => x);
  const houseCells = (h: HouseFigure) => [
    text(communities.get(h.communityId) ?? ''),
    text(grids.get(h.gridId)?.name ?? ''),
    text(groups.get(h.groupId) ?? ''),
    h.code,
    text(h.address),
    text(h.landlordName),
    input.showPhones ? h.landlordPhone : maskPhone(h.landlordPhone),
    t(h.isKey ? 'api:report.yes' : 'api:report.no'),
    t(h.committed ? 'api:report.yes' : 'api:report.no'),
    t(`api:report.status.${h.submission ?? 'none'}`),
    text(h.approvedBy ?? ''),
    h.hazardsOpen,
    h.hazardsOverdue,
    h.points,
  ];
  // 审核人 by name (issue 25): a staff user's, or the WeChat name of the head who approved in the group
  const reviewers = new Map<string, Promise<string>>();
  const reviewerName = (by: string): Promise<string> => {
    let name = reviewers.get(by);
    if (!name) {
      const [kind, id = ''] = by.split(':');
      name =
        kind === 'user'
          ? store.users.get(id).then((u) => u?.name ?? '')
          : kind === 'contact'
            ? store.contacts.get(id).then((c) => c?.name ?? '')
            : Promise.resolve('');
      reviewers.set(by, name);
    }
    return name;
  };
  const named = async (h: HouseFigure) => houseCells({ ...h, approvedBy: h.approvedBy ? await reviewerName(h.approvedBy) : null });
  const rowsOf = (c: Id) => houseRows(deps, { where: input.where, communityId: c, period: input.period, letterVersion, year: input.year });

  // everything that can fail for a reason the caller should hear happens before the first byte
  const fig = input.format === 'xlsx' ? await summary(deps, { where: input.where, period: input.period }) : null;
  return { write: (out) => (fig ? writeBook(out, fig) : writeCsv(out)) };

  async function writeCsv(out: Writable): Promise<void> {
    const write = (line: string) => new Promise<void>((resolve, reject) => out.write(line, (e) => (e ? reject(e) : resolve())));
    await write(`\uFEFF${HOUSE_COLUMNS.map((k) => csvField(t(`api:report.columns.${k}`))).join(',')}\r\n`);
    for (const c of communityIds) {
      let chunk = '';
      for await (const h of rowsOf(c)) {
        chunk += `${(await named(h)).map(csvField).join(',')}\r\n`;
        if (chunk.length > 64_000) {
          await write(chunk);
          chunk = '';
          await drained(out);
          if (out.destroyed) return;
        }
      }
      if (chunk) await write(chunk);
    }
    out.end();
  }

  async function writeBook(out: Writable, fig: Awaited<ReturnType<typeof summary>>): Promise<void> {
    const book = new (loadExcel().stream.xlsx.WorkbookWriter)({ stream: out, useStyles: true, useSharedStrings: false });
    book.creator = '安心房东 AnXin Landlord';
    const taken = new Set<string>();
    const header = (ws: Worksheet) => {
      ws.getRow(1).font = { bold: true };
    };
    const sum = book.addWorksheet(sheetName(t('api:report.summary'), taken), { views: [{ state: 'frozen', ySplit: 1 }] });
    sum.columns = SUMMARY_COLUMNS.map((k) => ({
      header: t(`api:report.columns.${k}`),
      key: k,
      width: k === 'name' || k === 'community' ? 22 : 12,
      style: k.endsWith('Rate') ? { numFmt: '0.0%' } : {},
    }));
    header(sum);
    const line = (level: string, community: string, name: string, f: FigureRow) => {
      const r = withRates(f);
      return {
        level,
        community: text(community),
        name: text(name),
        houses: r.houses,
        keyHouses: r.keyHouses,
        committedN: r.committed,
        submitted: r.submitted,
        approved: r.approved,
        compliant: r.compliant,
        commitmentRate: r.rates.commitment,
        inspectionRate: r.rates.inspection,
        complianceRate: r.rates.compliance,
        hazardsOpen: r.hazardsOpen,
        hazardsOverdue: r.hazardsOverdue,
      };
    };
    // a row per community (per grid) only where the report covers whole ones: a grid's or a group's report
    // would otherwise show a row named after its community (grid) holding only its own part of the figures
    const whole = { community: !input.where.gridId && !input.where.groupId, grid: !input.where.groupId };
    for (const f of fig.community
      .filter((x) => whole.community && communities.has(x.key!))
      .sort((a, b) => communities.get(a.key!)!.localeCompare(communities.get(b.key!)!, 'zh-CN'))) {
      sum.addRow(line(t('api:report.levels.community'), communities.get(f.key!)!, communities.get(f.key!)!, f)).commit();
    }
    for (const f of fig.grid.filter((x) => whole.grid && grids.has(x.key!))) {
      const g = grids.get(f.key!)!;
      sum.addRow(line(t('api:report.levels.grid'), communities.get(g.communityId) ?? '', g.name, f)).commit();
    }
    const group = input.where.groupId ? (groups.get(input.where.groupId) ?? '') : '';
    const total = sum.addRow(line(t('api:report.total'), '', group, fig.all));
    total.font = { bold: true };
    total.commit();
    sum.commit();

    for (const c of communityIds) {
      const ws = book.addWorksheet(sheetName(text(communities.get(c) ?? c), taken), { views: [{ state: 'frozen', ySplit: 1 }] });
      ws.columns = HOUSE_COLUMNS.map((k) => ({
        header: t(`api:report.columns.${k}`),
        key: k,
        width: k === 'address' ? 30 : k === 'community' || k === 'grid' || k === 'group' ? 18 : 12,
      }));
      header(ws);
      // strings go in as text cells: a name like =HYPERLINK(…) is shown, never run
      let n = 0;
      for await (const h of rowsOf(c)) {
        ws.addRow(await named(h)).commit();
        // the reader sets the pace: wait while what was written is not yet taken (memory stays flat)
        if ((n += 1) % 500 === 0) {
          await drained(out);
          if (out.destroyed) return; // the download was abandoned: stop working for nobody
        }
      }
      ws.commit();
    }
    await book.commit();
  }
}

/**
 * Month close (the 21st, after the deadline): the period's house rows are frozen, so a report
 * for a past month never changes when rosters change later. Once per period.
 */
export async function closeMonth(deps: Deps, input: { period: string; year: number }): Promise<number> {
  const { store } = deps;
  if (await isClosed(deps, input.period)) return 0;
  const letterVersion = await currentLetterVersion(store);
  let n = 0;
  // rows are upserted by (period, code), so a close cut short by a crash is simply run again;
  // the month counts as closed only once its marker, written last, is there
  for (const c of await store.communities.find({})) {
    let batch: HouseFigure[] = [];
    const flush = async () => {
      if (batch.length)
        n += (
          await store.reportRows.upsertMany(
            batch.map((h) => ({
              period: input.period,
              communityId: h.communityId,
              gridId: h.gridId,
              groupId: h.groupId,
              code: h.code,
              data: h,
            })),
            ['period', 'code'],
          )
        ).length;
      batch = [];
    };
    for await (const h of houseRows(deps, {
      where: { level: 'street' },
      communityId: c.id,
      period: input.period,
      letterVersion,
      year: input.year,
      live: true,
    })) {
      batch.push(h);
      if (batch.length >= PAGE) await flush();
    }
    await flush();
  }
  await store.audit.insert({ actor: 'schedule', action: 'close_month', target: `period:${input.period}`, detail: { houses: n } });
  return n;
}
