/**
 * Issue 30, item 4, in WeChat: a landlord's photo that is a header alone, or far too many
 * pixels, is answered kindly in the group and not kept (real Wechaty on wechaty-puppet-mock).
 */
import { issueBindCode } from '../../src/services/groups/bind-codes';
import { botFixture, SAMPLE_GROUP, SAMPLE_LANDLORDS, type BotFixture } from '../support/bot-fixture';
import { headersOnly, pngOf } from '../support/images';

let f: BotFixture;
afterAll(async () => { await f?.close(); });

it('issue 30: the bot refuses header-only photos and a 50000×50000 PNG, keeping none of them', async () => {
  f = await botFixture();
  const landlords = SAMPLE_LANDLORDS.map((n) => f.contact(n));
  const room = f.room(SAMPLE_GROUP, landlords);
  const groupId = (await f.store.groups.findOne({ name: SAMPLE_GROUP }))!.id;
  await f.say(landlords[0]!, `绑定群 ${(await issueBindCode(f.deps, 'group', groupId)).code}`, room);
  await f.register(landlords[0]!, 'P00001', room);
  for (const h of headersOnly()) expect((await f.photo(landlords[0]!, h.bytes, room))[0]!.text).toContain('JPG、PNG、WebP 或 HEIC');
  const [huge] = await f.photo(landlords[0]!, pngOf(50_000, 50_000), room);
  expect(huge!.text).toContain('像素太多');
  expect(huge!.mentions).toEqual([landlords[0]!.id]);
  expect(await f.store.photos.count({})).toBe(0);
});
