import { byExceljs, byOurs, generated, mutated } from '../support/xlsx-fuzz';

/**
 * The workbook reader against exceljs's, seeded (the same cases every run): 200 workbooks of
 * random cells as exceljs writes them, and 100 of them written another way (test/support/xlsx-fuzz.ts).
 * More: `npx tsx scripts/fuzz-xlsx.ts 5000`.
 */
describe('the workbook reader agrees with exceljs\'s (issue 24: the differential fuzzer, kept)', () => {
  it('on 200 generated workbooks and 100 mutated ones', async () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      const bytes = await generated(seed);
      const want = await byExceljs(bytes);
      expect({ seed, rows: await byOurs(bytes) }).toEqual({ seed, rows: want });
      if (seed % 2 === 0) expect({ seed, mutated: await byOurs(await mutated(bytes, seed)) }).toEqual({ seed, mutated: want });
    }
  });
});
