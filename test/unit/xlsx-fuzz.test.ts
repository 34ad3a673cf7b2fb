import { byExceljs, byOurs, generated, mutated } from '../support/xlsx-fuzz';

/**
 * The workbook reader against exceljs's, seeded (the same cases every run): 200 workbooks of
 * random cells as exceljs writes them, and 100 of them written another way (test/support/xlsx-fuzz.ts).
 * In batches of 25 seeds, each with its own time: on a busy machine exceljs alone takes seconds a batch.
 * More: `npx tsx scripts/fuzz-xlsx.ts 5000`.
 */
const BATCHES = Array.from({ length: 8 }, (_, i) => [i * 25 + 1, i * 25 + 25] as const);

describe('the workbook reader agrees with exceljs\'s (issue 24: the differential fuzzer, kept)', () => {
  it.each(BATCHES)('seeds %i–%i: generated workbooks, and every second one mutated', async (from, to) => {
    for (let seed = from; seed <= to; seed += 1) {
      const bytes = await generated(seed);
      const want = await byExceljs(bytes);
      expect({ seed, rows: await byOurs(bytes) }).toEqual({ seed, rows: want });
      if (seed % 2 === 0) expect({ seed, mutated: await byOurs(await mutated(bytes, seed)) }).toEqual({ seed, mutated: want });
    }
  }, 120_000);
});
