import { understand, type Understood } from '../../src/domain/understand';
import { CORPUS } from '../fixtures/phrasings-corpus';

/** What the bot took a message for, in the corpus's notation. */
function taken(u: Understood | null): string | null {
  if (!u) return null;
  const c = u.command;
  const what = c.kind === 'item' ? `item:${c.item}` : c.kind === 'ask' ? `ask:${c.topic}` : c.kind;
  return u.when === 'waiting' || u.when === 'asked' ? `${what}@${u.when}` : what;
}

/** Kinds that change the record: never from a message that does not mean them. */
const WEIGHTY = new Set(['commit', 'approve', 'register', 'confirmRegister', 'return']);

describe('issue 25: the phrasing corpus through the real understanding step', () => {
  const all = CORPUS.flatMap(([, lines]) => lines);

  it('holds at least 300 messages', () => {
    expect(all.length).toBeGreaterThanOrEqual(300);
  });

  it('understands at least 95 % of them, prints the figures per intent, and never records a commitment, approval or registration from chat', () => {
    const perIntent = new Map<string, { n: number; right: number }>();
    const wrong: string[] = [];
    const weightyFromChat: string[] = [];
    for (const [text, expected, addressed] of all) {
      const got = taken(understand(text, { addressed: addressed === '@' }));
      const key = expected === null ? '(silence)' : expected.split(/[:@]/)[0]!;
      const row = perIntent.get(key) ?? { n: 0, right: 0 };
      row.n += 1;
      if (got === expected) row.right += 1;
      else wrong.push(`${JSON.stringify(text)}${addressed ? ' (to the bot)' : ''}: expected ${expected}, got ${got}`);
      const gotKind = got?.split(/[:@]/)[0];
      if (gotKind && WEIGHTY.has(gotKind) && key !== gotKind) weightyFromChat.push(`${JSON.stringify(text)} → ${got}`);
      perIntent.set(key, row);
    }
    const right = [...perIntent.values()].reduce((s, r) => s + r.right, 0);
    const lines = [...perIntent].sort(([a], [b]) => a.localeCompare(b)).map(([k, r]) => `  ${k.padEnd(16)} ${String(r.right).padStart(4)}/${String(r.n).padEnd(4)} ${((100 * r.right) / r.n).toFixed(1)} %`);
    process.stdout.write(`phrasing corpus: ${right}/${all.length} right (${((100 * right) / all.length).toFixed(1)} %)\n${lines.join('\n')}\n${wrong.length ? `misread:\n  ${wrong.join('\n  ')}\n` : ''}`);
    expect(weightyFromChat).toEqual([]);
    expect(right / all.length).toBeGreaterThanOrEqual(0.95);
  });
  // (its cost, under 50 µs a message, is measured by `npm run bench:bot`: speed targets live in benchmarks)
});
