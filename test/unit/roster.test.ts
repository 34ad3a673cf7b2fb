import { crossCheckRoster, isRowError, mapRosterHeaders, parseRosterRow, ROSTER_COLUMNS, schemaRosterRow, type RosterField, type RosterRow } from '../../src/domain/roster';

const good = { community: '平山村', grid: '平山村第1网格', group: '联防1组', houseCode: 'p00001', address: '平山村东港路25号', landlord: '陈娜英', phone: '150 0000 1408', tenants: '10', rooms: '7', head: '' };

describe('mapRosterHeaders', () => {
  it('reads Chinese headers, with a BOM and full-width spaces', () => {
    const r = mapRosterHeaders(['\uFEFF社区', '网格', '联防组', '房屋编号', '地址', '房东姓名', '联系电话', '租住人数', '房间数', '户长']);
    expect(r.missing).toEqual([]);
    expect(r.index.head).toBe(9);
  });
  it('reads English headers in any case and order; head is optional', () => {
    const r = mapRosterHeaders(['House_Code', 'COMMUNITY', 'grid', 'group', 'address', 'landlord', 'phone', 'tenants', 'rooms']);
    expect(r.missing).toEqual([]);
    expect(r.index.houseCode).toBe(0);
    expect(r.index.head).toBeUndefined();
  });
  it('names the missing columns', () => {
    expect(mapRosterHeaders(['社区', '网格']).missing).toEqual(['group', 'houseCode', 'address', 'landlord', 'phone', 'tenants', 'rooms']);
  });
});

describe('parseRosterRow', () => {
  it('normalises a good row and marks key houses (≥ 10 tenants)', () => {
    const r = parseRosterRow(2, good) as RosterRow;
    expect(r).toMatchObject({ row: 2, houseCode: 'P00001', phone: '15000001408', tenants: 10, isKey: true, head: false });
    expect((parseRosterRow(3, { ...good, tenants: '9', head: '是' }) as RosterRow)).toMatchObject({ isKey: false, head: true });
  });
  it('accepts full-width digits, +86 and landlines', () => {
    expect((parseRosterRow(2, { ...good, tenants: '１２', phone: '+86 13900005054' }) as RosterRow)).toMatchObject({ tenants: 12, phone: '13900005054' });
    expect((parseRosterRow(2, { ...good, phone: '0571-88888888' }) as RosterRow).phone).toBe('057188888888');
    // area codes in brackets, as landlines are often written (full-width too)
    expect((parseRosterRow(2, { ...good, phone: '(0755)87654321' }) as RosterRow).phone).toBe('075587654321');
    expect((parseRosterRow(2, { ...good, phone: '（0755）8765 4321' }) as RosterRow).phone).toBe('075587654321');
  });
  it.each([
    ['phone', '12345', '联系电话'],
    ['tenants', '-1', '租住人数'],
    ['tenants', 'ten', 'tenants'],
    ['houseCode', 'P 1!', 'house_code'],
    ['landlord', '  ', '房东姓名'],
    ['head', 'maybe', '户长'],
  ])('reports a bad %s (%s) with its row number', (field, value, words) => {
    const r = parseRosterRow(7, { ...good, [field]: value });
    expect(isRowError(r)).toBe(true);
    expect(r).toMatchObject({ row: 7, message: expect.stringContaining(words) });
  });
  it('answers every row as the schema alone does (passing rows take a shorter way)', () => {
    // values at and past each rule's edges, as people type them: full-width, spaced, invisible marks, mixed case
    const edges: Record<RosterField, string[]> = {
      community: ['平山村', '', ' ', '\u3000', 'a'.repeat(60), 'a'.repeat(61), '平山\u200b村', ' 平山村 ', 'Ｐｉｎｇ', '村\t社区'],
      grid: ['第1网格', '', 'g'.repeat(60), 'g'.repeat(61), '第１网格', '\uFEFF网格'],
      group: ['联防1组', '', 'z'.repeat(60), 'z'.repeat(61), '联防 1 组', '  组  '],
      houseCode: ['p00001', 'P1', 'P', '1-a_b', '-P1', 'P'.repeat(24), 'P'.repeat(25), 'ｐ００１', ' P01 ', 'P 1', 'P0\u200b1', 'é1', ''],
      address: ['东港路25号', '', 'x'.repeat(200), 'x'.repeat(201), '东港路\n25号'],
      landlord: ['陈娜英', '', 'n'.repeat(40), 'n'.repeat(41), '陈 娜英', '\u00a0陈'],
      phone: ['150 0000 1408', '15000001408', '+8613900005054', '8613900005054', '+86 139-0000-5054', '0571-88888888', '(0755)87654321', '（0755）8765 4321',
        '12345', '12000001408', '057188', '0'.repeat(13), '', '１５０００００１４０８', '+85213900005054'],
      tenants: ['0', '10', '99999', '100000', '-1', '1.5', 'ten', '', '１２', ' 3 ', '0x1', '1e2'],
      rooms: ['1', '00007', '', '٣', '7 '],
      head: ['', '是', '否', 'Y', 'yes', 'TRUE', '1', '0', '√', '✓', '户长', 'Head', ' 是 ', 'maybe', '是的'],
    };
    const fields = Object.keys(ROSTER_COLUMNS) as RosterField[];
    const same = (cells: Partial<Record<RosterField, string>>) => expect(parseRosterRow(9, cells)).toEqual(schemaRosterRow(9, cells));
    for (const f of fields) for (const v of edges[f]) same({ ...good, [f]: v });
    same({ ...good, head: undefined });
    // and rows drawn at random from those values (seeded: a failure can be replayed)
    let seed = 12;
    const next = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed; };
    for (let i = 0; i < 3000; i += 1) same(Object.fromEntries(fields.map((f) => [f, edges[f][next() % edges[f].length]])));
  });
});

describe('crossCheckRoster', () => {
  const row = (n: number, over: Partial<RosterRow>) => ({ ...(parseRosterRow(n, good) as RosterRow), ...over });
  it('finds repeated house codes, two heads in a group, and one phone for two names', () => {
    const errors = crossCheckRoster([
      row(2, { houseCode: 'A1', head: true }),
      row(3, { houseCode: 'A1', phone: '13000000001', landlord: 'x' }),
      row(4, { houseCode: 'A2', head: true, phone: '13000000002', landlord: 'y' }),
      row(5, { houseCode: 'A3', phone: '15000001408', landlord: '别人' }),
    ]);
    expect(errors.map((e) => e.row)).toEqual([3, 4, 5]);
    expect(errors[0]!.message).toContain('第 2 行');
  });
  it('passes a clean roster, including one landlord owning two houses', () => {
    expect(crossCheckRoster([row(2, { houseCode: 'A1' }), row(3, { houseCode: 'A2' })])).toEqual([]);
  });
});
