/**
 * A generated street of `n` houses in roster CSV form: 10,000 houses per community, 1,000
 * per grid, 10 per group (one head each). `variant` changes every house's tenant count and
 * address, so two variants make "the old roster" and "the new one".
 */
export function* rosterCsvLines(n: number, variant = 0): Generator<string> {
  yield '社区,网格,联防组,房屋编号,地址,房东姓名,联系电话,租住人数,房间数,户长';
  for (let i = 0; i < n; i += 1) {
    const c = Math.floor(i / 10_000);
    const g = Math.floor(i / 1000);
    const grp = Math.floor(i / 10);
    yield `社区${c},社区${c}第${g}网格,网格${g}联防${grp}组,H${String(i).padStart(7, '0')},社区${c}新村路${(i + variant) % 500}号,房东${i},1${String(3000000000 + i)},${(i + variant) % 16},${1 + (i % 9)},${i % 10 === 2 ? '是' : ''}`;
  }
}

/** The roster as one Buffer (10,000 lines per chunk, so the string never gets huge). */
export function rosterCsv(n: number, variant = 0): Buffer {
  const chunks: Buffer[] = [];
  let lines: string[] = [];
  for (const line of rosterCsvLines(n, variant)) {
    lines.push(line);
    if (lines.length === 10_000) { chunks.push(Buffer.from(`${lines.join('\n')}\n`, 'utf8')); lines = []; }
  }
  chunks.push(Buffer.from(lines.join('\n'), 'utf8'));
  return Buffer.concat(chunks);
}
