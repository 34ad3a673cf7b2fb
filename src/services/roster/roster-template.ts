import { loadExcel } from '../../libraries';
import { ROSTER_COLUMNS, TEMPLATE_HEADERS, type RosterField } from '../../domain/roster';

/** The example row of the template: one house of a made-up group, as staff fill it in. */
const EXAMPLE: Record<RosterField, string | number> = {
  community: '平山村',
  grid: '平山村第1网格',
  group: '平山村第1网格联防1组',
  houseCode: 'P00001',
  address: '平山村东港路25号',
  landlord: '陈某某',
  phone: '13800000000',
  tenants: 9,
  rooms: 7,
  head: '是',
};
const WIDTH: Partial<Record<RosterField, number>> = { community: 14, grid: 18, group: 24, address: 28, phone: 16 };
const NOTE: Record<'zh-CN' | 'en', string> = {
  'zh-CN': '第 2 行是示例，导入前请删除或改写。“是否户长”填“是”或留空；其余各列必填。',
  en: 'Row 2 is an example: delete or overwrite it before importing. "head": yes or empty; every other column is required.',
};

/**
 * The roster template staff download (导入模板): a real workbook with the usual headers of the
 * caller's language in column order, one example row, the phone and code columns as text
 * (Excel would otherwise drop a landline's leading 0), and a note on the first header.
 */
export async function rosterTemplate(lng: 'zh-CN' | 'en'): Promise<Buffer> {
  const book = new (loadExcel().Workbook)();
  book.creator = '安心房东';
  const sheet = book.addWorksheet(lng === 'en' ? 'roster' : '花名册');
  const fields = Object.keys(ROSTER_COLUMNS) as RosterField[];
  sheet.columns = fields.map((f) => ({ header: TEMPLATE_HEADERS[lng][f], key: f, width: WIDTH[f] ?? 12 }));
  sheet.addRow(EXAMPLE);
  for (const f of ['houseCode', 'phone'] as const) sheet.getColumn(f).numFmt = '@';
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  sheet.getCell('A1').note = NOTE[lng];
  return Buffer.from(await book.xlsx.writeBuffer());
}
