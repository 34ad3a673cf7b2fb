/**
 * Issue 30, item 2, through the real bot: every example of the issue, put in a broadcast (and a
 * hazard text, and a private message), reaches the simulated WeChat group — Wechaty on
 * wechaty-puppet-mock, through the outbox and its sender — with the number masked.
 */
import { issueBindCode } from '../../src/services/groups/bind-codes';
import { broadcast } from '../../src/services/sending/broadcast';
import { enqueue } from '../../src/services/sending/outbox';
import { botFixture, SAMPLE_GROUP, SAMPLE_LANDLORDS, type BotFixture } from '../support/bot-fixture';

/** the issue's examples, with the number each one hides */
const EXAMPLES: [string, string][] = [
  ['138\u200b1234\u200b5678', '13812345678'],
  ['110101\u2060199003071234', '110101199003071234'],
  ['138.1234.5678', '13812345678'],
  ['138 123 45678', '13812345678'],
  ['1381 234 5678', '13812345678'],
  ['(138)12345678', '13812345678'],
  ['138—1234—5678', '13812345678'],
  ['1 3 8 1 2 3 4 5 6 7 8', '13812345678'],
  ['𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖', '13812345678'],
  ['110101.19900307.1234', '110101199003071234'],
  ['138\u00ad1234\u00ad5678', '13812345678'],
  ['138\u034f1234\u034f5678', '13812345678'],
  ['138\u061c1234\u061c5678', '13812345678'],
];
/** the digits a reader of the group sees, in order */
const seenDigits = (text: string) => text.normalize('NFKC').replace(/[^0-9X]/g, '');

let f: BotFixture;
let room: ReturnType<BotFixture['room']>;
let landlords: ReturnType<BotFixture['contact']>[];
let groupId: string;

beforeAll(async () => {
  f = await botFixture();
  landlords = SAMPLE_LANDLORDS.map((n) => f.contact(n));
  room = f.room(SAMPLE_GROUP, landlords);
  groupId = (await f.store.groups.findOne({ name: SAMPLE_GROUP }))!.id;
  await f.say(landlords[2]!, `绑定群 ${(await issueBindCode(f.deps, 'group', groupId)).code}`, room);
  await f.register(landlords[1]!, 'P00002', room);
  await f.register(landlords[2]!, 'P00003', room);
});
afterAll(async () => { await f?.close(); });

describe('issue 30: masking that cannot be dodged, through the outbox into a group', () => {
  it.each(EXAMPLES)('a broadcast with %j reaches the group masked', async (written, number) => {
    const b = await broadcast(f.deps, { text: `紧急通知，联系人 ${written} 张师傅`, scope: `group:${groupId}`, by: 'test' });
    const entry = await f.sent(`broadcast:${b.broadcast.id}:${room.id}`);
    // (the mock delivers the bot's message as it sends it: the last one in the room is this one)
    const seen = f.inRoom(room.id).at(-1)!;
    expect(seen.text).toBe(entry.text);
    expect(seenDigits(seen.text)).not.toContain(number);
    expect(seen.text).toMatch(/^紧急通知，联系人 \d{3}\*{4,}\w{4} 张师傅$/);
  });

  it('a hazard text typed by the head with a number split by invisible characters is masked in the group', async () => {
    const [r] = await f.say(landlords[2]!, '隐患 P00002 楼道堆放杂物，房东电话 138\u00ad1234\u034f5678 3天', room);
    expect(r!.text).toContain('138****5678');
    expect(seenDigits(r!.text)).not.toContain('13812345678');
  });

  it('a private message carries no whole phone or ID number either', async () => {
    const text = `退回原因：请联系 138\u2060 1234\u00ad5678，身份证 110101\u200b19900307\u200b1234`;
    await enqueue(f.deps, [{ key: 'issue30:private', contactId: landlords[0]!.id, text }]);
    const entry = await f.sent('issue30:private');
    const [seen] = f.said.filter((s) => s.listenerId === landlords[0]!.id && s.text === entry.text);
    expect(seen!.text).toBe('退回原因：请联系 138****5678，身份证 110***********1234');
  });
});
