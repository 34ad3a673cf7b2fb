/**
 * Issue 25, items 3 and 4: photo bursts labelled right, and a quiet group — through the real
 * Wechaty bot on the mock puppet. Messages are sent without waiting between them, as people
 * type; the tests wait on events (a message handled, a reply or post sent), never on time.
 */
import { parseCommand } from '../../src/domain/commands';
import { issueBindCode } from '../../src/services/groups/bind-codes';
import { openRound } from '../../src/services/inspection/open-round';
import { createOutboxNotifier } from '../../src/services/sending/outbox-notifier';
import { botFixture, proofOf, SAMPLE_GROUP, SAMPLE_LANDLORDS, type BotFixture } from '../support/bot-fixture';
import { uniqueJpeg, uniquePng } from '../support/images';

type F = BotFixture;
let f: F;
let landlords: ReturnType<F['contact']>[];
let room: ReturnType<F['room']>;
let groupId: string;
let bindReply = '';
/** the registration message of landlord 0 (its private letter is keyed by it) */
let registration = '';
/** landlord 1's proof message (not a friend of the bot's account) and landlord 9's one-message registration */
let unfriended = '';
let oneMessage = '';
const head = () => landlords[2]!; // P00003 is the head's house
const TTL = 10 * 60_000;

beforeAll(async () => {
  f = await botFixture({ intentTtlMs: TTL });
  // landlord 0 added the bot's account as a friend; the others did not
  landlords = SAMPLE_LANDLORDS.map((n, i) => f.contact(n, { friend: i === 0 }));
  room = f.room(SAMPLE_GROUP, landlords);
  groupId = (await f.store.groups.findOne({ name: SAMPLE_GROUP }))!.id;
  const { code } = await issueBindCode(f.deps, 'group', groupId);
  bindReply = (await f.say(landlords[0]!, `绑定群 ${code}`, room))[0]!.text;
  // all ten register at once, each typing the phone's last four digits without waiting for the question
  const codes = landlords.map((_, i) => `P${String(i + 1).padStart(5, '0')}`);
  // (landlord 9 follows the binding message: code and digits in one message)
  const ids = landlords.slice(0, 9).map((who, i) => [f.send(who, `登记 ${codes[i]}`, room), f.send(who, proofOf(codes[i]!), room)] as const);
  oneMessage = f.send(landlords[9]!, `登记 ${codes[9]} ${proofOf(codes[9]!)}`, room);
  registration = ids[0]![1];
  unfriended = ids[1]![1];
  for (const [asked, proved] of ids) await Promise.all([f.answerTo(asked), f.answerTo(proved)]);
  await f.answerTo(oneMessage);
  await openRound(f.deps, { period: '2026-11', deadline: new Date('2026-11-20T15:59:59Z'), scope: 'street', by: 'test' });
});
afterAll(async () => { await f?.close(); });

/** the photos a landlord's house holds, by item, in the order they were sent */
async function filed(code: string) {
  const house = (await f.store.houses.findOne({ code }))!;
  const photos = await f.store.photos.find({ houseId: house.id, counted: true }, { sort: { createdAt: 1 } });
  return photos.map((p) => [p.sha256, p.item]);
}
const sha = async (id: string) => (await f.store.photos.findOne({ messageId: id }))!.sha256;

describe('photo bursts (issue 25, item 3)', () => {
  it('the parser reads several menu numbers in one message, and nothing else as such', () => {
    expect(parseCommand('1 2 3')).toEqual({ kind: 'menuNumber', n: 1, rest: [2, 3] });
    expect(parseCommand('1，3，2')).toEqual({ kind: 'menuNumber', n: 1, rest: [3, 2] });
    expect(parseCommand('1、2、3。')).toEqual({ kind: 'menuNumber', n: 1, rest: [2, 3] });
    expect(parseCommand('３ ２')).toEqual({ kind: 'menuNumber', n: 3, rest: [2] });
    expect(parseCommand('2')).toEqual({ kind: 'menuNumber', n: 2 });
    for (const chat of ['666', '123', '1 2 8', '1 楼', '1 2 3 4 5 6 7 1 2 3']) expect(parseCommand(chat)).toBeNull();
  });

  it('three photos in a row get one question; "1 2 3" files smoke, extinguisher, e-bike in the order sent', async () => {
    const who = landlords[0]!;
    const ids = [uniqueJpeg(), uniquePng(), uniqueJpeg()].map((b) => f.sendPhoto(who, b, room));
    const answer = f.send(who, '1 2 3', room);
    const [ask] = await f.answerTo(ids[0]!);
    expect(ask!.text).toContain('请回复数字');
    expect(await f.answerTo(ids[1]!)).toEqual([]);
    expect(await f.answerTo(ids[2]!)).toEqual([]);
    const [r] = await f.answerTo(answer);
    expect(r!.text).toContain('第1张：烟感报警器');
    expect(r!.text).toContain('第2张：灭火器');
    expect(r!.text).toContain('第3张：电动车停放充电');
    expect(r!.mentions).toEqual([who.id]);
    expect(await filed('P00001')).toEqual([[await sha(ids[0]!), 'smoke'], [await sha(ids[1]!), 'extinguisher'], [await sha(ids[2]!), 'ebike']]);
  });

  it('answers one message at a time go oldest first, each saying which photo it labelled', async () => {
    const who = landlords[1]!;
    const ids = [uniqueJpeg(), uniqueJpeg(), uniqueJpeg()].map((b) => f.sendPhoto(who, b, room));
    const answers = ['1', '3', '2'].map((n) => f.send(who, n, room));
    const said = [];
    for (const id of answers) said.push((await f.answerTo(id))[0]!.text);
    expect(said[0]).toContain('第1张：烟感报警器');
    expect(said[0]).toContain('还有 2 张照片待说明');
    expect(said[1]).toContain('第2张：电动车停放充电');
    expect(said[2]).toContain('第3张：灭火器');
    expect(await filed('P00002')).toEqual([[await sha(ids[0]!), 'smoke'], [await sha(ids[1]!), 'ebike'], [await sha(ids[2]!), 'extinguisher']]);
  });

  it('"1，3，2" in one message follows the order written', async () => {
    const who = landlords[3]!;
    const ids = [uniqueJpeg(), uniquePng(), uniqueJpeg()].map((b) => f.sendPhoto(who, b, room));
    const [r] = await f.answerTo(f.send(who, '1，3，2', room));
    expect(r!.text).toContain('第2张：电动车停放充电');
    expect(await filed('P00004')).toEqual([[await sha(ids[0]!), 'smoke'], [await sha(ids[1]!), 'ebike'], [await sha(ids[2]!), 'extinguisher']]);
  });

  it('an answer after the question expired is told so, and the photo is freed: sent again, it is asked about again', async () => {
    const who = landlords[4]!;
    const bytes = uniqueJpeg();
    const first = f.sendPhoto(who, bytes, room);
    expect((await f.answerTo(first))[0]!.text).toContain('请回复数字');
    f.deps.clock.advance(TTL + 60_000);
    const [late] = await f.say(who, '1', room);
    expect(late!.text).toContain('已作废');
    expect(await f.store.photos.findOne({ messageId: first })).toMatchObject({ counted: false, houseId: null, item: null });
    const [again] = await f.photo(who, bytes, room);
    expect(again!.text).toContain('请回复数字');
    const [ok] = await f.say(who, '2', room);
    expect(ok!.text).toContain('第1张：灭火器');
  });

  it('an item named before its photo gets one reply, the photo\'s', async () => {
    const who = landlords[5]!;
    const word = f.send(who, '烟感', room);
    const pic = f.sendPhoto(who, uniqueJpeg(), room);
    expect(await f.answerTo(word)).toEqual([]);
    const [r] = await f.answerTo(pic);
    expect(r!.text).toContain('【烟感报警器】');
  });

  it('a picture from a landlord with nothing to send, or one already seen in the group, is ignored and kept nowhere', async () => {
    const done = landlords[6]!; // P00007: complete its set first
    const house = (await f.store.houses.findOne({ code: 'P00007' }))!;
    const words = house.isKey ? ['烟感', '灭火器', '电动车', '通道', '用电', '四件套', '钉牌'] : ['烟感', '灭火器', '电动车', '通道', '用电'];
    for (const w of words) {
      f.send(done, w, room);
      await f.answerTo(f.sendPhoto(done, uniqueJpeg(), room));
    }
    expect((await f.store.submissions.findOne({ houseId: house.id }))!.status).toBe('complete');
    const greeting = uniquePng();
    const photos = await f.store.photos.count({});
    expect(await f.photo(done, greeting, room)).toEqual([]);
    expect(await f.store.photos.count({})).toBe(photos);
    // the same picture from a landlord who still owes photos is a photo of theirs: asked about once
    const [ask] = await f.photo(landlords[7]!, greeting, room);
    expect(ask!.text).toContain('请回复数字');
    // forwarded once more, by a third landlord: already seen here, so nothing is said or kept
    expect(await f.photo(landlords[8]!, greeting, room)).toEqual([]);
    expect(await f.photo(landlords[7]!, greeting, room)).toEqual([]);
    expect(await f.store.photos.count({})).toBe(photos + 1);
  });
});

describe('a quiet group (issue 25, item 4)', () => {
  it('the letter is posted once, at binding; registering sends it privately', async () => {
    expect(bindReply).toContain('消防安全承诺书');
    const inRoom = f.inRoom(room.id).filter((s) => s.text.includes('消防安全承诺书'));
    expect(inRoom).toHaveLength(1);
    const letter = await f.sent(`reply:${registration}:private`);
    expect(letter.contactId).toBe(landlords[0]!.id);
    expect(letter.text).toContain('消防安全承诺书');
    expect(f.said.some((s) => s.listenerId === landlords[0]!.id && s.text.includes('消防安全承诺书'))).toBe(true);
  });

  it('someone the account cannot write to privately (not its friend) is pointed to the group\'s copy, and nothing is queued for them', async () => {
    const [r] = await f.answerTo(unfriended);
    expect(r!.text).toMatch(/登记成功：P00002.*承诺书见本群绑定时的那条消息/);
    expect(await f.store.outbox.findOne({ key: `reply:${unfriended}:private` })).toBeNull();
    expect(f.said.some((s) => s.listenerId === landlords[1]!.id)).toBe(false);
  });

  it('the binding message shows registering with the digits in one message, and that is one exchange', async () => {
    expect(bindReply).toContain('登记 房屋编号 登记电话后四位');
    // no example code: a real house's code copied from the example would count against that house's lock
    expect(bindReply).not.toMatch(/[A-Z]{1,3}\d{4,}/);
    const replies = await f.answerTo(oneMessage);
    expect(replies.map((r) => r.text)).toEqual([expect.stringMatching(/^@\S+ ✅ 登记成功：P00010/)]);
    expect((await f.store.houses.findOne({ code: 'P00010' }))!.contactId).not.toBeNull();
  });

  it('催办 says what each house still owes, and said again within the cooldown does not @ everyone again', async () => {
    const first = f.send(head(), '催办', room);
    const second = f.send(head(), '催办', room);
    const [r] = await f.answerTo(first);
    expect(r!.text).toMatch(/P00010：承诺、烟感报警器/);
    expect(r!.text).toMatch(/P00007：承诺(\n|$)/); // its photos are in, waiting for review: only the commitment is asked for
    expect(r!.mentions.length).toBeGreaterThan(5);
    const [again] = await f.answerTo(second);
    expect(again!.text).toContain('已催办过');
    expect(again!.mentions).toEqual([head().id]);
    f.deps.clock.advance(30 * 60_000);
    const [later] = await f.say(head(), '催办', room);
    expect(later!.mentions.length).toBeGreaterThan(5);
  });

  it('posts due for the room at the same time go out as one message', async () => {
    const before = f.inRoom(room.id).length;
    await createOutboxNotifier(f.deps).post(['甲', '乙', '丙', '丁'].map((x, i) => ({ key: `test-post:${i}`, roomId: room.id, text: `通知${x}` })));
    await Promise.all([0, 1, 2, 3].map((i) => f.sent(`test-post:${i}`)));
    const posts = f.inRoom(room.id).slice(before);
    expect(posts).toHaveLength(1);
    for (const x of ['甲', '乙', '丙', '丁']) expect(posts[0]!.text).toContain(`通知${x}`);
  });
});
