/**
 * Issue 11: every list and figure query the API makes, asked of SQLite's planner. A scoped
 * query may not scan a whole table or sort a scope in a temporary B-tree: the indexes of
 * the spec (`src/storage/schema.ts`, one list for both adapters) must serve it.
 */
import { importRoster } from '../../src/services/roster/import-roster';
import { parseRosterFile } from '../../src/services/roster/parse-roster-file';
import type { FigureQuery } from '../../src/storage/figures';
import type { SqliteCollection } from '../../src/storage/sqlite/sqlite-collection';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Store } from '../../src/storage/store';
import { depsFor, sampleRosterBytes, tempDir } from '../support/fixtures';

const tmp = tempDir();
let store: Store;
beforeAll(async () => {
  store = createSqliteStore({ dataDir: tmp.dir });
  await importRoster(depsFor(store), await parseRosterFile(sampleRosterBytes()), { actor: 'test' });
});
afterAll(async () => { await store.close(); tmp.cleanup(); });

type Plan = { what: string; plan: string[] };
const explain = (name: keyof Store, filter: object, options: object = {}): Plan => ({
  what: `${String(name)} ${JSON.stringify(filter)} ${JSON.stringify(options)}`,
  plan: (store[name] as unknown as SqliteCollection<never>).explain(filter as never, options as never),
});
/**
 * A scoped query must SEARCH an index (a `SCAN`, even along an index, visits the whole table);
 * a street-wide page may walk an index in order. Neither may sort in a `TEMP B-TREE`.
 */
const faults = (p: Plan, scoped = !p.what.includes(' {} ')) => p.plan
  .filter((d) => (scoped ? /^SCAN (?!json_each)/.test(d) : /^SCAN \w+$/.test(d)) || d.includes('TEMP B-TREE'))
  .map((d) => `${p.what}: ${d}`);

it('scoped lists, pages and counts use an index, in order, for every scope level', async () => {
  const h = (await store.houses.findOne({}))!;
  const id = { gt: '0' };
  const plans: Plan[] = [];
  for (const scope of [{ communityId: h.communityId }, { gridId: h.gridId }, { groupId: h.groupId }]) {
    for (const [name, sort] of [['houses', undefined], ['submissions', undefined], ['hazards', { number: -1 }], ['tips', { number: -1 }], ['audit', { id: -1 }]] as const) {
      plans.push(explain(name, scope, { limit: 50, sort }));
      plans.push(explain(name, scope, { count: true }));
    }
    plans.push(explain('houses', { ...scope, id }, { limit: 50 })); // keyset: the next page
    plans.push(explain('houses', { ...scope, isKey: true }, { count: true }));
    plans.push(explain('submissions', { ...scope, roundId: 'r1', status: 'approved' }, { limit: 50 }));
    plans.push(explain('hazards', { ...scope, status: { in: ['open', 'rectified'] }, deadline: { lt: new Date() } }, { limit: 50, sort: { number: -1 } }));
  }
  plans.push(explain('houses', { landlordId: h.landlordId }, { limit: 50 }));
  plans.push(explain('houses', { code: h.code }, { limit: 50 }));
  plans.push(explain('grids', { communityId: h.communityId }, { limit: 50 }));
  plans.push(explain('groups', { gridId: h.gridId }, { limit: 50 }));
  plans.push(explain('groups', { communityId: h.communityId }, { limit: 50 }));
  plans.push(explain('landlords', { id: { in: [h.landlordId] } }, { limit: 50 }));
  plans.push(explain('rounds', { status: 'open' }, { sort: { openedAt: -1 } }));
  // retention's hourly pass (issue 14): old processed ids, old sent entries, expired intents
  plans.push(explain('processedMessages', { createdAt: { lt: new Date() } }, { sort: { createdAt: 1 }, limit: 5000 }));
  plans.push(explain('outbox', { status: 'sent', sentAt: { lt: new Date() } }, { sort: { sentAt: 1 }, limit: 5000 }));
  plans.push(explain('intents', { expiresAt: { lt: new Date() } }, { count: true }));
  // Not held to this rule, and why: broadcasts and rounds of a scope are an IN list of scope
  // strings (one row per notice or round, not per house: hundreds a year), merged and sorted;
  // the points ranking reads a year's ledger lines of some grids to add them up (issue 10).
  // street-wide pages walk an index in order too (no sort of the whole table)
  for (const [name, sort] of [['houses', undefined], ['hazards', { number: -1 }], ['tips', { number: -1 }], ['audit', { id: -1 }], ['broadcasts', { at: -1 }], ['rounds', { openedAt: -1 }]] as const) {
    plans.push(explain(name, {}, { limit: 50, sort }));
  }
  expect(plans.flatMap((p) => faults(p))).toEqual([]);
  // the check can fail: a query on a column with no index is caught
  expect(faults(explain('houses', { address: 'x' }, { limit: 5 }))).not.toEqual([]);
});

it('the figures of a community, grid or group are counted through indexes', async () => {
  const h = (await store.houses.findOne({}))!;
  const explainFigures = (store as unknown as { explainFigures(q: FigureQuery): string[] }).explainFigures;
  const base = { period: '2026-11', letterVersion: 1, now: new Date() };
  const out: string[] = [];
  for (const where of [{ communityId: h.communityId }, { gridId: h.gridId }, { groupId: h.groupId }]) {
    for (const by of ['all', 'grid', 'group'] as const) out.push(...faults({ what: `figures ${JSON.stringify(where)} by ${by}`, plan: explainFigures({ ...base, where, by }) }, true).filter((f) => !f.includes('GROUP BY') && !/: SCAN f$/.test(f)));
  }
  // (SCAN f reads the houses' flags as a co-routine yields them, each once; the houses inside it are searched by index,
  // which the faults above would name)
  expect(out).toEqual([]);
});
