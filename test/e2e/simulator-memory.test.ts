/**
 * Issue 30, item 6: in demo mode every image posted to the simulator stayed in memory (2 × 60
 * images of 1.5 MB: RSS 390 → 683 MB, never released). Now the mock's copy is dropped once the bot
 * has handled the message (main.ts wires the plugin's onHandled to the simulator's forget, as here):
 * the photos are on disk, and RSS stays flat.
 */
import { randomBytes } from 'node:crypto';
import { createSimulator } from '../../bots/simulator';
import { issueBindCode } from '../../src/services/groups/bind-codes';
import { botFixture, proofOf, SAMPLE_GROUP, SAMPLE_LANDLORDS, type BotFixture } from '../support/bot-fixture';
import { uniqueJpeg } from '../support/images';

const MB = 1024 * 1024;
/** a real JPEG padded to 1.5 MB after its end (as a camera's trailing data): a distinct photo each time */
const photo = () => Buffer.concat([uniqueJpeg(), randomBytes(1.5 * MB)]);

let f: BotFixture;
afterAll(async () => { await f?.close(); });

it('issue 30: posting 60 images of 1.5 MB to the simulator leaves memory flat (the photos are on disk)', async () => {
  // the fixture's bot tells the simulator (made once the bot is up) which messages it has handled
  const held: { sim?: ReturnType<typeof createSimulator> } = {};
  f = await botFixture({ onHandled: (id) => held.sim?.forget(id) });
  const sim = createSimulator(f.demo, () => f.self);
  held.sim = sim;
  const landlord = sim.createContact(SAMPLE_LANDLORDS[0]!);
  const room = sim.createRoom(SAMPLE_GROUP, [landlord.id]);
  const groupId = (await f.store.groups.findOne({ name: SAMPLE_GROUP }))!.id;
  const say = async (text: string) => f.handled(sim.post({ from: landlord.id, roomId: room.id, text }).id);
  await say(`绑定群 ${(await issueBindCode(f.deps, 'group', groupId)).code}`);
  await say('登记 P00001');
  await say(proofOf('P00001')); // issue 25
  const post = async () => f.handled(sim.post({ from: landlord.id, roomId: room.id, imageBase64: photo().toString('base64'), filename: 'p.jpg' }).id);
  for (let i = 0; i < 5; i += 1) await post(); // warm up: sharp, the store, the lanes
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().rss;
  for (let i = 0; i < 60; i += 1) await post();
  gc?.();
  const after = process.memoryUsage().rss;
  const growth = (after - before) / MB;
  process.stdout.write(`simulator: 60 × 1.5 MB images, RSS ${(before / MB).toFixed(0)} → ${(after / MB).toFixed(0)} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(0)} MB${gc ? ', after gc' : ''})\n`);
  expect(f.demo.mocker.cacheFileBoxPayload.size).toBe(0);
  expect(await f.store.photos.count({})).toBe(65);
  expect(sim.roomMessages(room.id).filter((m) => m.image)).toHaveLength(65);
  // kept, the images would hold 60 × 2 MB of base64; a generous bound for what the runtime keeps
  expect(growth).toBeLessThan(60);
}, 120_000);
