import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseRosterFile } from '../../src/services/roster/parse-roster-file';
import { sampleRosterBytes } from '../support/fixtures';

/** Workbooks saved by real programs (test/fixtures/rosters/README.md says how each was made): each read to the houses it holds. */
const fixture = (name: string) => readFileSync(path.join(__dirname, '..', 'fixtures', 'rosters', name));

describe('rosters saved by real programs (issue 24)', () => {
  it.each(['libreoffice-7.4-from-csv.xlsx', 'libreoffice-7.4-office-open-xml.xlsx'])('%s reads to the same houses as the CSV it was saved from', async (name) => {
    const csv = await parseRosterFile(sampleRosterBytes());
    const saved = await parseRosterFile(fixture(name));
    expect(saved.errors).toEqual([]);
    expect(saved.rows).toHaveLength(40);
    expect(saved.rows).toEqual(csv.rows);
  });

  it('libreoffice-7.4-merged.xlsx: the 社区 merged down four houses and each 网格 down two count for every house under them', async () => {
    const saved = await parseRosterFile(fixture('libreoffice-7.4-merged.xlsx'));
    expect(saved.errors).toEqual([]);
    expect(saved.rows.map((r) => [r.houseCode, r.community, r.grid, r.group, r.head, r.isKey])).toEqual([
      ['M0001', '合并社区甲', '甲第1网格', '合并联防1组', true, false],
      ['M0002', '合并社区甲', '甲第1网格', '合并联防1组', false, false],
      ['M0003', '合并社区甲', '甲第2网格', '合并联防2组', true, true],
      ['M0004', '合并社区甲', '甲第2网格', '合并联防2组', false, false],
    ]);
  });
});
