import { readRosterTable, readWithMerges, type TableRow } from '../../src/services/roster/read-roster-table';
import { isDateFormat } from '../../src/services/roster/read-xlsx';
import { rosterLimits, type RosterLimits } from '../../src/services/roster/roster-limits';
import { attr, slicer, XmlError, XmlScanner } from '../../src/services/roster/xml-scan';
import { makeZip, xlsxWith } from '../support/zip';

/**
 * The workbook reader (read-xlsx.ts over xml-scan.ts): what spreadsheet programs write, read to
 * the same cell text whatever the chunks the XML arrives in.
 */

/** Every event the scanner reports for `chunks`, adjacent texts joined. */
function events(chunks: Buffer[]): string[] {
  const out: string[] = [];
  const scanner = new XmlScanner({
    open: (name, attrs, self) => out.push(`<${name}${attrs.buf.toString('utf8', attrs.from, attrs.to)}${self ? '/' : ''}>`),
    close: (name) => out.push(`</${name}>`),
    text: (t) => { if (out.length && out[out.length - 1]!.startsWith('"')) out[out.length - 1] = `${out[out.length - 1]!.slice(0, -1)}${t}"`; else out.push(`"${t}"`); },
  }, 1 << 20);
  for (const c of chunks) scanner.write(c);
  scanner.end();
  return out;
}

const XML = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><!-- a comment with <tags> --><x:root xmlns:x="urn:x" a="1 > 0" b=\'it&apos;s\'>'
  + '<x:row r="2"><c r="B2" t="s"><v>12</v></c><c><is><t>安心&amp;房东 &#x1F525;&#36;</t></is></c></x:row><empty/>'
  + '<v><![CDATA[<not a tag> & 火]]></v><?pi data?></x:root>');

describe('the XML scanner', () => {
  const whole = events([XML]);

  it('reports elements without prefixes, raw attributes, decoded text and CDATA', () => {
    expect(whole).toEqual([
      '<root xmlns:x="urn:x" a="1 > 0" b=\'it&apos;s\'>', '<row r="2">', '<c r="B2" t="s">', '<v>', '"12"', '</v>', '</c>', '<c>', '<is>', '<t>', '"安心&房东 🔥$"', '</t>', '</is>', '</c>', '</row>',
      '<empty/>', '</empty>', '<v>', '"<not a tag> & 火"', '</v>', '</root>',
    ]);
  });

  it('gives the same events whatever the chunks: cut at every byte (inside characters, tags, entities, comments, CDATA)', () => {
    for (let cut = 1; cut < XML.length; cut += 1) expect(events([XML.subarray(0, cut), XML.subarray(cut)])).toEqual(whole);
    expect(events([...XML].map((b) => Buffer.from([b])))).toEqual(whole);
  });

  it('reads attributes by name, prefixes ignored, values decoded, whatever quotes and spaces', () => {
    const seen: Record<string, (string | undefined)[]> = {};
    const scanner = new XmlScanner({ open: (name, a) => { seen[name] = [attr(a, 'r'), attr(a, 'id'), attr(a, 't'), attr(a, 's'), attr(a, 'name')]; }, close() {}, text() {} }, 1000);
    scanner.write(Buffer.from(`<c t="s" r = 'B2' s="3"/><sheet name="甲&amp;乙" sheetId="1" r:id="rId1" xr:uid="{x}"/><v/><odd t="s=&quot;1&quot;"/>`));
    expect(seen).toEqual({ c: ['B2', undefined, 's', '3', undefined], sheet: [undefined, 'rId1', undefined, undefined, '甲&乙'], v: [undefined, undefined, undefined, undefined, undefined], odd: [undefined, undefined, 's="1"', undefined, undefined] });
  });

  it('refuses a DTD (no entity can be declared: no XXE, no billion laughs), an unknown entity, a tag left open at the end', () => {
    expect(() => events([Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')])).toThrow(XmlError);
    expect(() => events([Buffer.from('<x>&e;</x>')])).toThrow(/unknown entity/);
    expect(() => events([Buffer.from('<x><y a="1"')])).toThrow(/ends inside a tag/);
  });

  it('refuses an element longer than its bound instead of holding it', () => {
    const scanner = new XmlScanner({ open() {}, close() {}, text() {} }, 1000);
    expect(() => scanner.write(Buffer.from(`<c r="${'A'.repeat(5000)}`))).toThrow(/longer than 1000 bytes/);
  });
});

describe('number formats that show dates', () => {
  it.each([['yyyy/m/d', true], ['yyyy"年"m"月"d"日"', true], ['[$-F800]dddd, mmmm dd, yyyy', true], ['h:mm', true], ['0.00', false], ['General', false], ['"Day "0', false], ['#,##0 "m"', false], ['0.00E+00', false], ['@', false]])('%s → %s', (code, date) => {
    expect(isDateFormat(code)).toBe(date);
  });
});

const x = (s: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${s}`);
const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A workbook as Excel lays it out: shared strings and styles named by the workbook's relationships. */
function book(sheetData: string, opts: { shared?: string; numFmts?: string; xfs?: string[]; date1904?: boolean; sheetRoot?: string } = {}): Buffer {
  return makeZip([
    { name: '_rels/.rels', data: x(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`) },
    { name: 'xl/workbook.xml', data: x(`<workbook ${NS}>${opts.date1904 ? '<workbookPr date1904="1"/>' : ''}<sheets><sheet name="名单" sheetId="1" r:id="rId3"/></sheets></workbook>`) },
    { name: 'xl/_rels/workbook.xml.rels', data: x(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId2" Type="${REL}/styles" Target="/xl/styles.xml"/><Relationship Id="rId3" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`) },
    { name: 'xl/styles.xml', data: x(`<styleSheet ${NS}>${opts.numFmts ? `<numFmts>${opts.numFmts}</numFmts>` : ''}<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs>${(opts.xfs ?? ['0']).map((id) => `<xf numFmtId="${id}" fontId="0"/>`).join('')}</cellXfs></styleSheet>`) },
    { name: 'xl/sharedStrings.xml', data: x(`<sst ${NS}>${opts.shared ?? ''}</sst>`) },
    { name: 'xl/worksheets/sheet1.xml', data: x(opts.sheetRoot ?? `<worksheet ${NS}><sheetData>${sheetData}</sheetData></worksheet>`) },
  ]);
}

async function rows(bytes: Buffer, onEstimate?: (n: number) => void, limits: RosterLimits = rosterLimits(bytes.length)): Promise<TableRow[]> {
  return readWithMerges<TableRow[]>(async (merges) => {
    const out: TableRow[] = [];
    const table = readRosterTable({ bytes }, limits, { onEstimate, merges });
    for (let step = await table.next(); ; step = await table.next()) {
      if (step.done) return step.value ? { merges: step.value } : { done: out };
      out.push(...step.value);
    }
  });
}

const HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>社区</t></is></c><c r="B1" t="inlineStr"><is><t>网格</t></is></c><c r="C1" t="inlineStr"><is><t>联防组</t></is></c><c r="D1" t="inlineStr"><is><t>房屋编号</t></is></c><c r="E1" t="inlineStr"><is><t>地址</t></is></c><c r="F1" t="inlineStr"><is><t>房东姓名</t></is></c><c r="G1" t="inlineStr"><is><t>联系电话</t></is></c></row>';

describe('the workbook reader', () => {
  it('reads each kind of cell as its text: shared (runs joined, phonetic guides left out), inline, formula results, numbers, booleans, errors', async () => {
    const shared = '<si><t>平山村</t></si><si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space="preserve">三 </t></r><rPh sb="0" eb="1"><t>zhang</t></rPh></si>';
    const sheet = `${HEADER}<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="inlineStr"><is><r><t>第一</t></r><r><t>网格</t></r></is></c><c r="C2" t="str"><f>A2&amp;"组"</f><v>平山村组</v></c>`
      + '<c r="D2"><v>1001</v></c><c r="E2"><v>12.5</v></c><c r="F2" t="s"><v>1</v></c><c r="G2"><v>13812345678</v></c><c r="H2" t="b"><v>1</v></c><c r="I2" t="e"><v>#N/A</v></c><c r="J2"><f>SUM(1)</f></c></row>';
    const [, r] = await rows(book(sheet, { shared }));
    expect(r).toEqual({ n: 2, cells: ['平山村', '第一网格', '平山村组', '1001', '12.5', '张三 ', '13812345678', 'true'] });
  });

  it('reads date cells as yyyy-mm-dd and says which columns they were in: built-in, CJK and own formats, the 1904 system, ISO cells', async () => {
    const sheet = `${HEADER}<row r="2"><c r="A2" s="1"><v>45363</v></c><c r="B2" s="2"><v>45363</v></c><c r="C2" s="3"><v>45363</v></c><c r="D2" s="0"><v>45363</v></c><c r="E2" t="d"><v>2024-03-12T00:00:00Z</v></c><c r="F2" s="4"><v>45363</v></c></row>`;
    const styles = { numFmts: '<numFmt numFmtId="164" formatCode="yyyy/m/d;@"/><numFmt numFmtId="165" formatCode="0.00_ "/>', xfs: ['0', '14', '31', '164', '165'] };
    const [, r] = await rows(book(sheet, styles));
    expect(r).toEqual({ n: 2, cells: ['2024-03-12', '2024-03-12', '2024-03-12', '45363', '2024-03-12', '45363'], dates: [0, 1, 2, 4] });
    const [, r1904] = await rows(book(sheet.replace('r="A2" s="1"><v>45363', 'r="A2" s="1"><v>43901'), { ...styles, date1904: true }));
    expect(r1904!.cells[0]).toBe('2024-03-12');
  });

  it('places rows and cells where their references say, or next after the last when a writer leaves them out; reads prefixed markup', async () => {
    const sheet = `${HEADER}<row><c><v>1</v></c><c r="D3"><v>4</v></c><c><v>5</v></c></row><row r="7"><c r="B7"><v>2</v></c></row><row/>`;
    const r = await rows(book(sheet));
    expect(r.slice(1)).toEqual([{ n: 2, cells: ['1', '', '', '4', '5'] }, { n: 7, cells: ['', '2'] }, { n: 8, cells: [] }]);
    const prefixed = `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>${HEADER.replace(/<(\/?)(row|c|is|t)\b/g, '<$1x:$2')}<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>平山村</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`;
    const p = await rows(book('', { sheetRoot: prefixed }));
    expect(p[0]!.cells[0]).toBe('社区');
    expect(p[1]).toEqual({ n: 2, cells: ['平山村'] });
  });

  it('answers a sheet with a DTD as not a readable workbook, and a far-away cell by its column without filling the row', async () => {
    const dtd = book('', { sheetRoot: `<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa">]><worksheet ${NS}><sheetData>${HEADER}<row r="2"><c r="A2" t="inlineStr"><is><t>&a;</t></is></c></row></sheetData></worksheet>` });
    await expect(rows(dtd)).rejects.toMatchObject({ code: 'roster_unreadable' });
    await expect(rows(book(`${HEADER}<row r="2"><c r="XFD2"><v>1</v></c></row>`))).rejects.toMatchObject({ code: 'roster_limit', params: { which: 'columns', row: 2 } });
  });

  it('answers a sheet cut short inside a whole zip as damaged, not as the rows before the cut; a .docx renamed .xlsx as no workbook (found by a new-user check)', async () => {
    const whole = `<worksheet ${NS}><sheetData>${HEADER}<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3"><v>2</v></c></row></sheetData></worksheet>`;
    expect(await rows(book('', { sheetRoot: whole }))).toHaveLength(3);
    for (const cut of [whole.indexOf('<row r="3">'), whole.indexOf('</sheetData>'), whole.indexOf('</worksheet>')]) {
      await expect(rows(book('', { sheetRoot: whole.slice(0, cut) }))).rejects.toMatchObject({ code: 'roster_unreadable', message: expect.stringContaining('still open') });
    }
    const docx = makeZip([
      { name: '_rels/.rels', data: x(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="word/document.xml"/></Relationships>`) },
      { name: 'word/document.xml', data: x('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>花名册</w:t></w:r></w:p></w:body></w:document>') },
    ]);
    await expect(rows(docx)).rejects.toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining('not a workbook') });
  });

  it('tells how many rows to expect, for progress bars: a sheet by its dimension, a CSV by the bytes read so far', async () => {
    const estimates: number[] = [];
    await rows(book('', { sheetRoot: `<worksheet ${NS}><dimension ref="A1:G3"/><sheetData>${HEADER}<row r="2"><c r="A2"><v>1</v></c></row></sheetData></worksheet>` }), (n) => estimates.push(n));
    expect(estimates).toEqual([2]);
    const line = '平山村,第一网格,联防一组,H0001,平山村1号,张三,13800000000\n';
    const csv = Buffer.from(`社区,网格,联防组,房屋编号,地址,房东姓名,联系电话\n${line.repeat(30_000)}`);
    const seen: number[] = [];
    const read = await rows(csv, (n) => seen.push(n));
    expect(read).toHaveLength(30_001);
    // the first estimate, after 64 KB of a 2.2 MB file, is already within a line or two of the 30,000 rows
    expect(seen.length).toBeGreaterThan(10);
    for (const n of seen) expect(Math.abs(n - 30_000)).toBeLessThan(300);
  });
});

/** Excel's longest cell: 32,767 characters; here CJK (3 bytes in UTF-8), ASCII, an entity and a 4-byte emoji by turns */
const LONG_TEXT = '安心房东 fire&amp;safety 🔥'.repeat(1500).slice(0, 40_000);
const LONG = LONG_TEXT.replace(/&amp;/g, '&').slice(0, 32_767);
const LONG_XML = LONG.replace(/&/g, '&amp;');

describe('a long cell, wherever the chunks fall (issue 24)', () => {
  it('the scanner hands on a text longer than what it may carry in pieces, cut at any byte (a character, an entity)', () => {
    const xml = Buffer.from(`<si><t>${LONG_XML}</t></si>`);
    const cuts = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 1000, 1001, 1002, 50_000, xml.length - 12, xml.length - 8, xml.length - 6];
    for (const cut of cuts) {
      let text = '';
      const scanner = new XmlScanner({ open() {}, close() {}, text: (t) => { text += t; } }, 64 * 1024);
      for (let at = 0; at < xml.length; at += 64 * 1024) {
        const end = Math.min(xml.length, at === 0 ? cut : at + 64 * 1024);
        scanner.write(xml.subarray(at, end));
        if (at === 0) at = cut - 64 * 1024;
      }
      scanner.end();
      expect(text).toBe(LONG);
    }
  });

  it('reads a 32,767-character shared string and inline string whole when a 256 KB inflate chunk ends at several places in them', async () => {
    const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
    const head = (pad: number) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst ${ns}>${' '.repeat(pad)}<si><t>`;
    const sheetHead = (pad: number) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ${ns}><sheetData>${' '.repeat(pad)}${HEADER}<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="inlineStr"><is><t>`;
    const CHUNK = 256 * 1024;
    const textBytes = Buffer.byteLength(LONG_XML);
    // the chunk's end falls this many bytes into the text (1, 2: inside a character), near its end, just after it
    for (const into of [1, 2, 3, 20_000, 70_001, textBytes - 1, textBytes + 3]) {
      const shared = Buffer.from(`${head(CHUNK - Buffer.byteLength(head(0)) - into)}${LONG_XML}</t></si></sst>`);
      const sheet = Buffer.from(`${sheetHead(CHUNK - Buffer.byteLength(sheetHead(0)) - into)}${LONG_XML}</t></is></c><c r="C2"><v>1</v></c></row></sheetData></worksheet>`);
      const bytes = xlsxWith(sheet, shared);
      const read = await rows(bytes, undefined, { ...rosterLimits(bytes.length), maxCellChars: 32_767 });
      expect(read[1]).toEqual({ n: 2, cells: [LONG, LONG, '1'] });
      // at the roster's own limit of 2,000 characters a cell, the same answer wherever the chunks fall: that limit, at that row
      await expect(rows(bytes)).rejects.toMatchObject({ code: 'roster_limit', params: { which: 'cell', row: 2 } });
    }
  });
});

describe('Buffer\'s private slicers (issue 24)', () => {
  it('are used when they slice as toString does, and toString is when they are absent or throw', () => {
    const b = Buffer.from('<c r="安">');
    expect(slicer(undefined, 'utf8')(b, 1, 9)).toBe(b.toString('utf8', 1, 9));
    expect(slicer(() => { throw new Error('gone'); }, 'latin1')(b, 1, 4)).toBe('c r');
    expect(slicer(() => 'wrong', 'utf8')(b, 1, 4)).toBe('c r');
  });
});

describe('merged cells (issue 24)', () => {
  const ROW = (n: number, community: string) => `<row r="${n}"><c r="A${n}" t="inlineStr"><is><t>${community}</t></is></c><c r="B${n}" t="inlineStr"><is><t>第一网格</t></is></c>`
    + `<c r="C${n}" t="inlineStr"><is><t>联防一组</t></is></c><c r="D${n}" t="inlineStr"><is><t>H000${n}</t></is></c><c r="E${n}" t="inlineStr"><is><t>平山村${n}号</t></is></c>`
    + `<c r="F${n}" t="inlineStr"><is><t>张${n}</t></is></c><c r="G${n}" t="inlineStr"><is><t>1380000000${n}</t></is></c></row>`;

  it('come back from a first reading as a value, and the second reading fills them in', async () => {
    const table = readRosterTable({ bytes: xlsxWith(`${HEADER}${ROW(2, '平山村')}${ROW(3, '')}</sheetData><mergeCells count="1"><mergeCell ref="A2:A3"/></mergeCells><sheetData>`) }, rosterLimits(1e6));
    let step = await table.next();
    while (!step.done) step = await table.next();
    expect(step.value).toEqual({ sheet: 0, ranges: [{ r1: 2, c1: 1, r2: 3, c2: 1 }] });
  });

  it('a 7.7 KB workbook of 100,000 merges of A2:A3 is read in time linear in them (it took about 8 minutes)', async () => {
    const merges = '<mergeCell ref="A2:A3"/>'.repeat(100_000);
    const sheet = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${HEADER}${ROW(2, '平山村')}${ROW(3, '')}</sheetData><mergeCells count="100000">${merges}</mergeCells></worksheet>`);
    const bytes = xlsxWith(sheet);
    const t0 = performance.now();
    const read = await rows(bytes);
    process.stdout.write(`  100,000 merged ranges (${bytes.length.toLocaleString('en')} bytes): read in ${Math.round(performance.now() - t0)} ms\n`);
    expect(read.slice(1).map((r) => r.cells[0])).toEqual(['平山村', '平山村']);
  });
});
