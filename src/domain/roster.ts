import type * as Zod from 'zod';
import { isKeyHouse } from './checklist';

/**
 * The roster columns staff keep in Excel (samples/roster-sample.csv), Chinese or English: the
 * ONE list of the header names each column is known by (the names street offices' sheets
 * use, 所属社区, 房屋地址, 房东电话, 是否户长…, beside the sample's). The first name of each is
 * the sample's; the template staff download (roster-template.ts) uses `TEMPLATE_HEADERS`.
 */
export const ROSTER_COLUMNS = {
  community: ['社区', 'community', '所属社区', '社区名称', '村(社区)', '村社区'],
  grid: ['网格', 'grid', '所属网格', '网格名称'],
  group: ['联防组', 'group', '所属联防组', '联防组名称', '十户联防组'],
  houseCode: ['房屋编号', 'house_code', '房屋编码', '出租屋编号', 'code'],
  address: ['地址', 'address', '房屋地址', '出租屋地址', '详细地址'],
  landlord: ['房东姓名', 'landlord', '房东', '房主姓名', '业主姓名'],
  phone: ['联系电话', 'phone', '房东电话', '房东联系电话', '手机号码', '手机号', '联系方式'],
  tenants: ['租住人数', 'tenants', '租户人数', '居住人数', '承租人数'],
  rooms: ['房间数', 'rooms', '出租间数', '房间数量', '间数'],
  head: ['户长', 'head', '是否户长', '十户长'],
} as const;
export type RosterField = keyof typeof ROSTER_COLUMNS;
/** The headers of the template staff download, in column order: the names street offices use (each one of ROSTER_COLUMNS'). */
export const TEMPLATE_HEADERS: Record<'zh-CN' | 'en', Record<RosterField, string>> = {
  'zh-CN': {
    community: '所属社区',
    grid: '所属网格',
    group: '联防组',
    houseCode: '房屋编号',
    address: '房屋地址',
    landlord: '房东姓名',
    phone: '房东电话',
    tenants: '租住人数',
    rooms: '房间数',
    head: '是否户长',
  },
  en: {
    community: 'community',
    grid: 'grid',
    group: 'group',
    houseCode: 'house_code',
    address: 'address',
    landlord: 'landlord',
    phone: 'phone',
    tenants: 'tenants',
    rooms: 'rooms',
    head: 'head',
  },
};
const FIELDS = Object.keys(ROSTER_COLUMNS) as RosterField[];
/** `head` may be left out of a file; every other column must be there. */
const OPTIONAL_COLUMNS: readonly RosterField[] = ['head'];

export interface RosterRow {
  /** the spreadsheet row number (header is row 1) */
  row: number;
  community: string;
  grid: string;
  group: string;
  houseCode: string;
  address: string;
  landlord: string;
  phone: string;
  tenants: number;
  rooms: number;
  head: boolean;
  isKey: boolean;
}
export interface RowError {
  row: number;
  message: string;
}

const normHeader = (h: string) =>
  h
    .replace(/^\uFEFF/, '')
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/**
 * Maps a header row to column indexes. Returns the missing required columns when
 * some are absent, so the caller can say which.
 */
export function mapRosterHeaders(headers: readonly string[]): {
  index: Partial<Record<RosterField, number>>;
  missing: RosterField[];
  duplicates: string[];
} {
  const normalised = headers.map((h) => normHeader(String(h ?? '')));
  const index: Partial<Record<RosterField, number>> = {};
  const duplicates: string[] = [];
  for (const [field, names] of Object.entries(ROSTER_COLUMNS) as [RosterField, readonly string[]][]) {
    const at = normalised.map((h, i) => (names.some((n) => normHeader(n) === h) ? i : -1)).filter((i) => i >= 0);
    if (at.length) index[field] = at[0];
    // `社区,社区`: which one is meant cannot be guessed, so it is an error, not "the first wins"
    if (at.length > 1) duplicates.push(at.map((i) => String(headers[i]).trim()).join(','));
  }
  const missing = (Object.keys(ROSTER_COLUMNS) as RosterField[]).filter((f) => index[f] === undefined && !OPTIONAL_COLUMNS.includes(f));
  return { index, missing, duplicates };
}

/** Whether a row reads as a roster's header: it names at least two roster columns (a title or an instruction names at most one). */
export const looksLikeRosterHeader = (cells: readonly string[]): boolean => Object.keys(mapRosterHeaders(cells).index).length >= 2;

/** Printable ASCII and CJK ideographs without spaces: text that NFKC, trimming and folding leave as it is. */
const PLAIN = /^[\x21-\x7e\u4e00-\u9fff]*$/;
/** Full-width to half-width, trimmed, inner whitespace folded. (Most cells are plain: a million-row import skips the work.) */
const clean = (s: string) =>
  PLAIN.test(s)
    ? s
    : s
        .normalize('NFKC')
        .replace(/[\u200B-\u200F\u202A-\u202E\uFEFF]/g, '')
        .replace(/\s+/g, ' ')
        .trim();

const YES = new Set(['是', 'y', 'yes', 'true', '1', '√', '✓', '户长', 'head']);
const NO = new Set(['', '否', 'n', 'no', 'false', '0']);

/** The longest text each text column takes. */
const MAX = { community: 60, grid: 60, group: 60, address: 200, landlord: 40 } as const;
const CODE = /^[A-Z0-9][A-Z0-9_-]{1,23}$/;
const PHONE = /^(1[3-9]\d{9}|0\d{9,11})$/;
const COUNT = /^\d{1,5}$/;
const codeOf = (s: string) => clean(s).toUpperCase();
/** (a phone as people write it: spaces, brackets, dashes and a +86 in front are left out) */
const phoneOf = (s: string) =>
  clean(s)
    .replace(/[\s()-]/g, '')
    .replace(/^(\+?86)(?=1\d{10}$)/, '');
const headOf = (s: string) => clean(s).toLowerCase();

/**
 * The schema each row is judged by, made when first needed (`rowSchema`): most imports have every
 * row pass (`passingRow`), and the import's threads start sooner without loading zod.
 */
function makeRowSchema() {
  const { z } = require('zod') as typeof Zod; // eslint-disable-line @typescript-eslint/no-require-imports -- lazy: sync, and only once a row fails
  // (each message says it in Chinese, then in English: the column's name in each)
  const text = (zh: string, en: string, max: number) =>
    z
      .string()
      .transform(clean)
      .pipe(z.string().min(1, `${zh}不能为空 / ${en} is empty`).max(max, `${zh}过长 / ${en} is too long`));
  const count = (zh: string, en: string) =>
    z
      .string()
      .transform(clean)
      .pipe(z.string().regex(COUNT, `${zh}应为非负整数 / ${en} must be a whole number`).transform(Number));
  return z.object({
    community: text('社区', 'community', MAX.community),
    grid: text('网格', 'grid', MAX.grid),
    group: text('联防组', 'group', MAX.group),
    houseCode: z
      .string()
      .transform(codeOf)
      .pipe(z.string().regex(CODE, '房屋编号应为2–24位字母数字 / house_code must be 2–24 letters or digits')),
    address: text('地址', 'address', MAX.address),
    landlord: text('房东姓名', 'landlord', MAX.landlord),
    phone: z
      .string()
      .transform(phoneOf)
      .pipe(z.string().regex(PHONE, '联系电话不是有效的手机或固话号码 / phone is not a valid mobile or landline number')),
    tenants: count('租住人数', 'tenants'),
    rooms: count('房间数', 'rooms'),
    head: z
      .string()
      .transform(headOf)
      .refine((s) => YES.has(s) || NO.has(s), '户长一栏应填“是”或留空 / head must be “是”/yes or empty')
      .transform((s) => YES.has(s)),
  });
}
let rowSchema: ReturnType<typeof makeRowSchema> | undefined;

/**
 * A row every cell of which passes, judged by the schema's own normalising and tests without
 * zod's objects per check (the import's reader spent a third of its time there); null when a
 * cell fails, for the schema to judge and say why. `test/unit/roster.test.ts` holds the two equal.
 */
function passingRow(row: number, cells: Partial<Record<RosterField, string>>): RosterRow | null {
  const fits = (s: string, max: number) => s.length >= 1 && s.length <= max;
  const community = clean(cells.community ?? '');
  const grid = clean(cells.grid ?? '');
  const group = clean(cells.group ?? '');
  const address = clean(cells.address ?? '');
  const landlord = clean(cells.landlord ?? '');
  if (
    !fits(community, MAX.community) ||
    !fits(grid, MAX.grid) ||
    !fits(group, MAX.group) ||
    !fits(address, MAX.address) ||
    !fits(landlord, MAX.landlord)
  )
    return null;
  const houseCode = codeOf(cells.houseCode ?? '');
  const phone = phoneOf(cells.phone ?? '');
  const tenants = clean(cells.tenants ?? '');
  const rooms = clean(cells.rooms ?? '');
  const head = headOf(cells.head ?? '');
  if (!CODE.test(houseCode) || !PHONE.test(phone) || !COUNT.test(tenants) || !COUNT.test(rooms) || !(YES.has(head) || NO.has(head)))
    return null;
  return {
    row,
    community,
    grid,
    group,
    houseCode,
    address,
    landlord,
    phone,
    tenants: Number(tenants),
    rooms: Number(rooms),
    head: YES.has(head),
    isKey: isKeyHouse(Number(tenants)),
  };
}

/** Validates one data row (raw cell strings by field). */
export function parseRosterRow(row: number, cells: Partial<Record<RosterField, string>>): RosterRow | RowError {
  return passingRow(row, cells) ?? schemaRosterRow(row, cells);
}

/** The row as the schema alone judges it: what `parseRosterRow` answers for every row (tested), the passing ones by a shorter way. */
export function schemaRosterRow(row: number, cells: Partial<Record<RosterField, string>>): RosterRow | RowError {
  const raw: Partial<Record<RosterField, string>> = {};
  for (const f of FIELDS) raw[f] = cells[f] ?? '';
  const r = (rowSchema ??= makeRowSchema()).safeParse(raw);
  if (!r.success) {
    const message = r.error.issues.map((i) => i.message).join('; ');
    return { row, message };
  }
  return { row, ...r.data, isKey: isKeyHouse(r.data.tenants) };
}

export const isRowError = (x: RosterRow | RowError): x is RowError => 'message' in x;

/** A workbook cell of this column holds a date: Excel's doing (3-12 typed becomes 12 March), never what the roster means. */
export const DATE_CELL = (f: RosterField): string =>
  `${ROSTER_COLUMNS[f][0]}一栏是日期格式（Excel 会把 3-12 这样的内容自动改成日期）：请把该列设为“文本”后重新填写 / the ${ROSTER_COLUMNS[f][1]} cell is a date (Excel turns entries like 3-12 into dates): format the column as Text and enter it again`;

/** The messages of the checks across rows (also made by the SQLite import, which checks in SQL). */
export const CROSS_CHECK = {
  codeRepeats: (code: string, first: number) => `房屋编号 ${code} 与第 ${first} 行重复 / house_code ${code} repeats row ${first}`,
  secondHead: (group: string, first: number) =>
    `联防组“${group}”已在第 ${first} 行设了户长 / group "${group}" already has its head on row ${first}`,
  phoneTaken: (first: number) => `同一联系电话在第 ${first} 行登记为另一位房东 / the same phone is another landlord's on row ${first}`,
};

/**
 * Checks that hold across rows: a house code once per file, one head per group,
 * one name per phone number.
 */
export function crossCheckRoster(rows: readonly RosterRow[]): RowError[] {
  const errors: RowError[] = [];
  const codeAt = new Map<string, number>();
  const headAt = new Map<string, number>();
  const phoneName = new Map<string, { name: string; row: number }>();
  for (const r of rows) {
    const seen = codeAt.get(r.houseCode);
    if (seen !== undefined) errors.push({ row: r.row, message: CROSS_CHECK.codeRepeats(r.houseCode, seen) });
    else codeAt.set(r.houseCode, r.row);
    if (r.head) {
      const groupKey = `${r.community}\u0000${r.grid}\u0000${r.group}`;
      const h = headAt.get(groupKey);
      if (h !== undefined) errors.push({ row: r.row, message: CROSS_CHECK.secondHead(r.group, h) });
      else headAt.set(groupKey, r.row);
    }
    const p = phoneName.get(r.phone);
    if (p && p.name !== r.landlord) errors.push({ row: r.row, message: CROSS_CHECK.phoneTaken(p.row) });
    else if (!p) phoneName.set(r.phone, { name: r.landlord, row: r.row });
  }
  return errors.sort((a, b) => a.row - b.row);
}

/** The messages of a row naming a grid or group that belongs to another community (issue 12). */
export const PARENT_CHECK = {
  gridElsewhere: (r: Pick<RosterRow, 'community' | 'grid'>, owner: { community: string; row?: number }) =>
    `网格“${r.grid}”已属于${owner.row ? `第 ${owner.row} 行的` : ''}社区“${owner.community}”，本行却写在社区“${r.community}”下：请核对社区名称；若确是两个不同的网格，请给网格起不同的名字（如加上社区名）` +
    ` / grid "${r.grid}" already belongs to community "${owner.community}"${owner.row ? ` (row ${owner.row})` : ''}, but this row puts it under "${r.community}": check the community; if they really are two grids, give them different names (e.g. prefixed with the community)`,
  groupElsewhere: (r: Pick<RosterRow, 'community' | 'grid' | 'group'>, owner: { community: string; grid: string; row?: number }) =>
    `联防组“${r.group}”已属于${owner.row ? `第 ${owner.row} 行的` : ''}社区“${owner.community}”网格“${owner.grid}”，本行却写在社区“${r.community}”网格“${r.grid}”下：请核对社区和网格；若确是两个不同的组，请给组起不同的名字` +
    ` / group "${r.group}" already belongs to grid "${owner.grid}" of community "${owner.community}"${owner.row ? ` (row ${owner.row})` : ''}, but this row puts it under grid "${r.grid}" of "${r.community}": check the community and grid; if they really are two groups, give them different names`,
};

/**
 * A grid or group name is the staff's handle on it (scopes by name, the dashboard, bind codes
 * per group), so an import never makes a second grid or group of a name another community
 * already has: that is a typo in the community column as often as not, and would silently
 * split a grid or move houses into a look-alike group with no room. A row naming a grid (or
 * group) that exists under another community — in the store or on an earlier row of the file —
 * is a row error; names already repeated in the store before are left as they are.
 * Feed the stored grids and groups first (`known*`), then every row in file order (`check`).
 */
export class ParentNames {
  private readonly gridPairs = new Set<string>();
  private readonly gridOwner = new Map<string, { community: string; row?: number }>();
  private readonly groupTriples = new Set<string>();
  private readonly groupOwner = new Map<string, { community: string; grid: string; row?: number }>();

  knownGrid(community: string, grid: string): void {
    this.gridPairs.add(`${community}\u0000${grid}`);
    if (!this.gridOwner.has(grid)) this.gridOwner.set(grid, { community });
  }

  knownGroup(community: string, grid: string, group: string): void {
    this.groupTriples.add(`${community}\u0000${grid}\u0000${group}`);
    if (!this.groupOwner.has(group)) this.groupOwner.set(group, { community, grid });
  }

  /** The row's error message, or null when its grid and group are its community's own (or new). */
  check(r: Pick<RosterRow, 'row' | 'community' | 'grid' | 'group'>): string | null {
    const pair = `${r.community}\u0000${r.grid}`;
    if (!this.gridPairs.has(pair)) {
      const owner = this.gridOwner.get(r.grid);
      if (owner && owner.community !== r.community) return PARENT_CHECK.gridElsewhere(r, owner);
      this.gridPairs.add(pair);
      this.gridOwner.set(r.grid, { community: r.community, row: r.row });
    }
    const triple = `${pair}\u0000${r.group}`;
    if (!this.groupTriples.has(triple)) {
      const owner = this.groupOwner.get(r.group);
      if (owner && owner.community !== r.community) return PARENT_CHECK.groupElsewhere(r, owner);
      this.groupTriples.add(triple);
      if (!owner) this.groupOwner.set(r.group, { community: r.community, grid: r.grid, row: r.row });
    }
    return null;
  }
}
