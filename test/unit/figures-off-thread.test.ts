/** Issue 11: counts made in the worker thread reach a short-lived process too (a script, the CLI), which then exits. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../support/fixtures';

it('a script counting off thread gets its answer and exits', async () => {
  const tmp = tempDir();
  try {
    const script = `
      const { createSqliteStore } = require('./src/storage/sqlite/sqlite-store');
      (async () => {
        const s = createSqliteStore({ dataDir: ${JSON.stringify(tmp.dir)}, offThreadHouses: 0 });
        const c = await s.communities.insert({ name: '社区' });
        const g = await s.grids.insert({ communityId: c.id, name: '网格' });
        const gr = await s.groups.insert({ communityId: c.id, gridId: g.id, name: '组', headHouseId: null, roomId: null, locale: null, botId: null });
        const l = await s.landlords.insert({ name: '房东', phone: '13900000001' });
        await s.houses.insert({ code: 'P1', address: '路1号', communityId: c.id, gridId: g.id, groupId: gr.id, landlordId: l.id, contactId: null, pendingContactId: null, tenants: 1, rooms: 1, isKey: false });
        const [row] = await s.figures({ where: {}, by: 'all', period: '2026-11', letterVersion: null, now: new Date() });
        console.log('HOUSES', row.houses);
        await s.close();
      })();`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], { cwd: path.resolve(__dirname, '../..'), timeout: 120_000 });
    expect(stdout).toContain('HOUSES 1'); // the write just made is counted: the worker reads after it commits
  } finally { tmp.cleanup(); }
}, 180_000);
