/** Issue 26: the header names street offices use are accepted, from the one list of aliases, and the template's headers are among them. */
import { mapRosterHeaders, ROSTER_COLUMNS, TEMPLATE_HEADERS, type RosterField } from '../../src/domain/roster';

describe('roster headers as staff write them', () => {
  it('maps 所属社区, 房屋地址, 房东电话, 是否户长… to the columns', () => {
    const m = mapRosterHeaders(['所属社区', '所属网格', '十户联防组', '房屋编码', '房屋地址', '房东', '房东电话', '居住人数', '出租间数', '是否户长']);
    expect(m.missing).toEqual([]);
    expect(m.duplicates).toEqual([]);
    expect(m.index).toEqual({ community: 0, grid: 1, group: 2, houseCode: 3, address: 4, landlord: 5, phone: 6, tenants: 7, rooms: 8, head: 9 });
    // 联系电话 is the sample's, and still taken
    expect(mapRosterHeaders(['社区', '网格', '联防组', '房屋编号', '地址', '房东姓名', '联系电话', '租住人数', '房间数']).missing).toEqual([]);
  });

  it('refuses two columns that both name the phone (which one is meant cannot be guessed)', () => {
    expect(mapRosterHeaders(['社区', '联系电话', '房东电话']).duplicates).toEqual(['联系电话,房东电话']);
  });

  it("the template's headers, in both languages, are each its column's name", () => {
    for (const lng of ['zh-CN', 'en'] as const) {
      const fields = Object.keys(ROSTER_COLUMNS) as RosterField[];
      const m = mapRosterHeaders(fields.map((f) => TEMPLATE_HEADERS[lng][f]));
      expect(m.index).toEqual(Object.fromEntries(fields.map((f, i) => [f, i])));
    }
  });
});
