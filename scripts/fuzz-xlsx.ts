/**
 * npx tsx scripts/fuzz-xlsx.ts [count=2000] [first seed=1000] — the workbook reader against
 * exceljs's on more seeded workbooks than the suite runs (test/unit/xlsx-fuzz.test.ts runs
 * seeds 1–200). Prints the first seed whose reading differs, and exits 1; a seed found here
 * belongs in the suite as a test.
 */
import { isDeepStrictEqual } from 'node:util';
import { byExceljs, byOurs, generated, mutated } from '../test/support/xlsx-fuzz';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 2000);
  const first = Number(process.argv[3] ?? 1000);
  for (let seed = first; seed < first + count; seed += 1) {
    const bytes = await generated(seed);
    const want = await byExceljs(bytes);
    for (const [what, got] of [['generated', await byOurs(bytes)], ['mutated', await byOurs(await mutated(bytes, seed))]] as const) {
      if (!isDeepStrictEqual(got, want)) {
        process.stdout.write(`seed ${seed} (${what}) differs:\n  exceljs ${JSON.stringify(want)}\n  ours    ${JSON.stringify(got)}\n`);
        process.exit(1);
      }
    }
  }
  process.stdout.write(`${count} seeds from ${first}: the readers agree on every workbook, generated and mutated\n`);
}

void main();
