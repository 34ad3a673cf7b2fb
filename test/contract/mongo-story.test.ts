/**
 * The app and the bot over a real mongoose connection (CONTRACT_MONGODB_URI: a real server,
 * or the wire-protocol stand-in — mongomock, not MongoDB): a roster imported through the
 * HTTP API and counted, and a group's story in WeChat on the mock puppet.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { issueBindCode } from '../../src/services/groups/bind-codes';
import { createMongoStore } from '../../src/storage/mongo/mongo-store';
import { appFixture, auth } from '../support/app-fixture';
import { botFixture, SAMPLE_GROUP, SAMPLE_LANDLORDS } from '../support/bot-fixture';
import { sampleRosterBytes } from '../support/fixtures';

const uri = process.env.CONTRACT_MONGODB_URI;
const kind = process.env.CONTRACT_MONGODB_KIND === 'shim' ? 'wire stand-in: mongomock, not MongoDB' : 'MongoDB server';
const open = () => createMongoStore({ uri: uri!, dbName: `anxin_story_${randomBytes(4).toString('hex')}`, allowStandalone: true });

(uri ? describe : describe.skip)(`on MongoDB (${uri ? kind : `skipped: ${process.env.CONTRACT_MONGODB_SKIP ?? 'no MongoDB'}`})`, () => {
  it('HTTP: imports the sample roster, lists and counts it; a second import changes nothing', async () => {
    const f = await appFixture({ store: await open() });
    try {
      const first = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', sampleRosterBytes(), 'r.csv').expect(200);
      expect(first.body).toMatchObject({ created: 40, errors: [] });
      const again = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', sampleRosterBytes(), 'r.csv').expect(200);
      expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 40 });
      const health = await request(f.server).get('/healthz').expect(200);
      expect(health.body.storage).toBe('mongodb');
      const houses = await request(f.server).get('/api/v1/houses?limit=5').set(auth(f.adminToken)).expect(200);
      expect(houses.body.items).toHaveLength(5);
      const stats = await request(f.server).get('/api/v1/stats?scope=street').set(auth(f.adminToken)).expect(200);
      expect(stats.body).toMatchObject({ houses: 40 });
    } finally {
      await f.close();
    }
  });

  it('WeChat: a group binds its room, registers and commits through the bot', async () => {
    const f = await botFixture({ store: await open() });
    try {
      const landlords = SAMPLE_LANDLORDS.slice(0, 3).map((n) => f.contact(n));
      const room = f.room(SAMPLE_GROUP, landlords);
      const groupId = (await f.store.groups.findOne({ name: SAMPLE_GROUP }))!.id;
      const { code } = await issueBindCode(f.deps, 'group', groupId);
      expect((await f.say(landlords[0]!, `绑定群 ${code}`, room))[0]!.text).toContain(SAMPLE_GROUP);
      expect((await f.register(landlords[0]!, 'P00001', room))[0]!.text).toContain('登记成功：P00001');
      expect((await f.say(landlords[0]!, '我承诺', room))[0]!.text).toContain('已承诺');
      expect(await f.store.commitments.count({})).toBe(1);
    } finally {
      await f.close();
    }
  });
});
