import { crossCheckRoster } from '../../src/domain/roster';
import { demoRoster, seedDemo } from '../../src/services/setup/seed-demo';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { depsFor, sampleRosterBytes, tempDir } from '../support/fixtures';

describe('demo street', () => {
  it('is 120 valid houses in 12 groups of ten, each with one head, none sharing a code with the sample roster', () => {
    const rows = demoRoster();
    expect(rows).toHaveLength(120);
    expect(crossCheckRoster(rows)).toEqual([]);
    expect(new Set(rows.map((r) => r.group)).size).toBe(12);
    expect(rows.filter((r) => r.head)).toHaveLength(12);
    const sampleCodes = new Set(sampleRosterBytes().toString('utf8').split('\n').map((l) => l.split(',')[3]));
    expect(rows.filter((r) => sampleCodes.has(r.houseCode))).toEqual([]);
    expect(rows.every((r) => r.phone.startsWith('170'))).toBe(true);
  });

  it('is seeded only into an empty database, so a restart keeps what people changed', async () => {
    const tmp = tempDir();
    const store = createSqliteStore({ dataDir: tmp.dir });
    try {
      const deps = depsFor(store);
      expect((await seedDemo(deps))?.created).toBe(120);
      const house = (await store.houses.findOne({ code: 'PD0001' }))!;
      await store.houses.update(house.id, { tenants: 30, isKey: true });
      expect(await seedDemo(deps)).toBeNull();
      expect(await store.houses.get(house.id)).toMatchObject({ tenants: 30, isKey: true });
    } finally {
      await store.close();
      tmp.cleanup();
    }
  });
});
