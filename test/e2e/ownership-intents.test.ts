/**
 * Issue 8: who owns a house (SPEC §3 Ownership), what the bot waits for (pending intents),
 * private chats and truthful help — through the real Wechaty bot on the mock puppet.
 */
import { issueBindCode } from '../../src/services/groups/bind-codes';
import { openRound } from '../../src/services/inspection/open-round';
import { botFixture, boundSampleRoom, SAMPLE_GROUP, SAMPLE_LANDLORDS, type BotFixture } from '../support/bot-fixture';
import { PERSONAL_DATA } from '../support/fixtures';
import { uniqueJpeg } from '../support/images';

const GROUP = SAMPLE_GROUP;
const NAMES = SAMPLE_LANDLORDS;
type F = BotFixture;

let f: F;
let landlords: ReturnType<F['contact']>[];
let room: ReturnType<F['room']>;
const head = () => landlords[2]!; // P00003 is the head's house

beforeAll(async () => {
  f = await botFixture();
  ({ landlords, room } = await boundSampleRoom(f, NAMES, GROUP));
  for (const [i, who] of landlords.slice(0, 8).entries()) await f.register(who, `P0000${i + 1}`, room);
  await openRound(f.deps, { period: '2026-11', deadline: new Date('2026-11-20T15:59:59Z'), scope: 'street', by: 'test' });
});
afterAll(async () => { await f?.close(); });

describe('ownership: a claim on a house waits for the right person (issue 8)', () => {
  it('a stranger claims the head\'s house: the head cannot confirm it, house and head stay as they were', async () => {
    const stranger = f.contact('陌生人');
    f.demo.mocker.RoomMock.load(room.id).payload.memberIdList.push(stranger.id);
    const [claim] = await f.say(stranger, '登记 P00003', room);
    expect(claim!.text).toContain('需由社区工作人员确认');
    const [refused] = await f.say(head(), '确认登记 P00003', room);
    expect(refused!.text).toContain('需由工作人员确认');
    const house = (await f.store.houses.findOne({ code: 'P00003' }))!;
    const headContact = (await f.store.contacts.findOne({ wechatId: head().id }))!;
    expect(house.contactId).toBe(headContact.id);
    // the head is still the head: their review commands work, the stranger's do not
    expect((await f.say(head(), '催办', room))[0]!.text).not.toContain('只有户长');
    expect((await f.say(stranger, '催办', room))[0]!.text).toContain('只有户长');
  });

  it('nobody confirms their own claim, and a landlord cannot confirm at all', async () => {
    // the head claims someone else's house, then tries to confirm it
    const [claim] = await f.say(head(), '登记 P00001', room);
    expect(claim!.text).toContain('确认登记 P00001');
    expect((await f.say(head(), '确认登记 P00001', room))[0]!.text).toContain('不能确认自己提出的登记申请');
    expect((await f.say(landlords[1]!, '确认登记 P00001', room))[0]!.text).toContain('只有户长或工作人员');
    expect((await f.store.houses.findOne({ code: 'P00001' }))!.contactId).toBe((await f.store.contacts.findOne({ wechatId: landlords[0]!.id }))!.id);
  });

  it('staff confirm a claim on the head\'s house: it moves, and the landlord who lost it is @mentioned', async () => {
    const user = await f.store.users.insert({ name: '社区小李', role: 'staff', scope: 'street', contactId: null, active: true });
    const staff = f.contact('小李');
    const { code } = await issueBindCode(f.deps, 'staff', user.id);
    await f.say(staff, `绑定工作人员 ${code}`, f.self);
    f.demo.mocker.RoomMock.load(room.id).payload.memberIdList.push(staff.id);
    const stranger = (await f.store.contacts.findOne({ name: '陌生人' }))!;
    const [moved] = await f.say(staff, '确认登记 P00003', room);
    expect(moved!.text).toContain('P00003 的登记已转给新的登记人');
    expect(moved!.mentions).toEqual([stranger.wechatId, head().id]);
    expect((await f.store.houses.findOne({ code: 'P00003' }))!.contactId).toBe(stranger.id);
    expect(await f.store.audit.count({ action: 'confirm_registration', target: `house:${(await f.store.houses.findOne({ code: 'P00003' }))!.id}` })).toBe(1);
  });

  it('进度 shows a house nobody registered by its code only, without its address', async () => {
    const [r] = await f.say(landlords[0]!, '进度', room);
    const line = r!.text.split('\n').find((l) => l.includes('P00010'))!;
    expect(line).toContain('未登记');
    expect(line).not.toMatch(/\d+号/);
    expect(r!.text.split('\n').find((l) => l.includes('P00001'))).toMatch(/东港路25号/);
  });
});

describe('pending intents (issue 8)', () => {
  it('an unlabelled photo whose question has expired does not take the next item word', async () => {
    const me = landlords[3]!; // P00004
    const old = f.sendPhoto(me, uniqueJpeg(), room);
    expect((await f.answerTo(old))[0]!.text).toContain('请回复数字');
    f.deps.clock.advance(11 * 60_000); // the question waits 10 minutes
    const [wait] = await f.say(me, '烟感', room);
    // not "labelled": the old photo's question is said to have lapsed, and the photo is freed (issue 25)
    expect(wait!.text).toContain('已作废');
    const [got] = await f.photo(me, uniqueJpeg(), room);
    expect(got!.text).toContain('已收到 P00004【烟感报警器】');
    expect(await f.store.photos.findOne({ messageId: old })).toMatchObject({ item: null, counted: false, houseId: null });
    expect(await f.say(me, '2', room)).toEqual([]); // a number with nothing waiting is just chat
  });

  it('the same photo never counts for two items of one house', async () => {
    const me = landlords[4]!; // P00005
    const bytes = uniqueJpeg();
    await f.say(me, '灭火器', room);
    expect((await f.photo(me, bytes, room))[0]!.text).toContain('已收到 P00005【灭火器】');
    await f.say(me, '通道', room);
    expect(await f.photo(me, bytes, room)).toEqual([]); // issue 25: a picture already seen in the group is ignored without a word
    const sub = (await f.store.submissions.findOne({ houseCode: 'P00005' }))!;
    expect(sub.items.exit ?? []).toEqual([]);
  });

  it('a landlord with two houses names the house, or picks it from a numbered menu', async () => {
    const me = landlords[8]!;
    await f.register(me, 'P00009', room);
    await f.register(me, 'P00010', room);
    // photo first: which house? then which item?
    const [which] = await f.photo(me, uniqueJpeg(), room);
    expect(which!.text).toContain('1 P00009\n2 P00010');
    const [item] = await f.say(me, '2', room);
    expect(item!.text).toContain('收到 P00010 的照片');
    expect((await f.say(me, '3', room))[0]!.text).toMatch(/第1张：电动车停放充电\nP00010 还差/);
    // house and item named first: one reply, the photo's (issue 25)
    expect(await f.say(me, 'p00009 灭火器', room)).toEqual([]);
    expect((await f.photo(me, uniqueJpeg(), room))[0]!.text).toContain('已收到 P00009【灭火器】');
    // a house that is not theirs
    expect((await f.say(me, 'P00001 灭火器', room))[0]!.text).toContain('P00001');
  });

  it('a landlord with two houses sends three photos at once: one "which house?", then one "which item?" for all three (issue 25)', async () => {
    const me = landlords[8]!;
    const ids = [f.sendPhoto(me, uniqueJpeg(), room), f.sendPhoto(me, uniqueJpeg(), room), f.sendPhoto(me, uniqueJpeg(), room)];
    const replies = await Promise.all(ids.map((id) => f.answerTo(id)));
    expect(replies.map((r) => r.length)).toEqual([1, 0, 0]);
    expect(replies[0]![0]!.text).toContain('1 P00009\n2 P00010');
    const [item] = await f.say(me, '1', room);
    expect(item!.text).toContain('收到 P00009 的照片');
    const [labelled] = await f.say(me, '1 4 5', room);
    expect(labelled!.text).toMatch(/第1张：烟感报警器[\s\S]*第2张：疏散通道\/安全出口[\s\S]*第3张：用电安全/);
    const items = await Promise.all(ids.map(async (id) => (await f.store.photos.findOne({ messageId: id }))!));
    expect(items.map((p) => p.item)).toEqual(['smoke', 'exit', 'wiring']);
    const p9 = (await f.store.houses.findOne({ code: 'P00009' }))!.id;
    expect(items.every((p) => p.houseId === p9)).toBe(true);
  });

  it('only the person asked answers: another landlord\'s number does not label my photo', async () => {
    const [ask] = await f.photo(landlords[5]!, uniqueJpeg(), room);
    expect(ask!.text).toContain('P00006');
    expect(await f.say(landlords[6]!, '1', room)).toEqual([]);
    expect((await f.say(landlords[5]!, '1', room))[0]!.text).toMatch(/第1张：烟感报警器\nP00006 还差/);
  });
});

describe('private chats and truthful help (issue 8)', () => {
  it('a registered landlord commits and asks for progress in a private chat', async () => {
    const me = landlords[0]!;
    const [c] = await f.say(me, '我承诺', f.self);
    expect(c!.text).toContain('P00001');
    expect(c!.mentions).toEqual([]);
    const [p] = await f.say(me, '进度', f.self);
    expect(p!.text).toContain(`📋 ${GROUP}`);
    const stranger = f.contact('路人');
    expect((await f.say(stranger, '进度', f.self))[0]!.text).toContain('请先登记');
  });

  it('a command sent in the wrong kind of chat gets a one-line hint', async () => {
    expect((await f.say(landlords[0]!, '绑定群 ABCDEF', f.self))[0]!.text).toBe('这条命令请在联防组的微信群里发送。');
    expect((await f.say(landlords[0]!, '登记 P00001', f.self))[0]!.text).toBe('这条命令请在联防组的微信群里发送。');
    expect((await f.say(landlords[0]!, '绑定工作人员 ABCDEF', room))[0]!.text).toContain('请私聊机器人');
  });

  it('帮助 lists only what works for the sender there', async () => {
    const [landlord] = await f.say(landlords[0]!, '帮助', room);
    for (const word of ['我承诺', '进度', '登记', '积分', '整改']) expect(landlord!.text).toContain(word);
    for (const word of ['举报', '通过', '退回', '广播', '绑定群', '销号']) expect(landlord!.text).not.toContain(word);
    const [headHelp] = await f.say(landlords[1]!, '帮助', room);
    expect(headHelp!.text).not.toContain('确认登记'); // P00002 is not the head
    const [priv] = await f.say(f.contact('居民'), '帮助', f.self);
    expect(priv!.text).not.toContain('我承诺');
    expect(priv!.text).toContain('举报 描述'); // tips come by private chat
    expect(priv!.text).not.toContain('积分');
    expect(priv!.text).toContain('绑定工作人员');
  });
});

describe('personal data never reaches a group (issue 8)', () => {

  it('masks phone and ID numbers in a return reason, whoever typed them', async () => {
    const me = landlords[6]!; // P00007, not a key house
    for (const w of ['烟感', '灭火器', '电动车', '通道', '用电']) { await f.say(me, w, room); await f.photo(me, uniqueJpeg(), room); }
    const staff = (await f.store.contacts.findOne({ name: '小李' }))!;
    const staffMock = f.demo.mocker.ContactMock.load(staff.wechatId);
    const [r] = await f.say(staffMock, '退回 P00007 请联系我 13812345678 身份证 110101199003077777 座机 0571-88886666', room);
    expect(r!.text).toContain('138****5678');
    expect(r!.text).toContain('110***********7777');
    expect(r!.text).toContain('0571-****6666');
  });

  it('no room message of this whole file carries a phone or ID number', () => {
    const roomText = f.said.filter((s) => s.roomId).map((s) => s.text);
    expect(roomText.length).toBeGreaterThan(20);
    for (const re of PERSONAL_DATA) expect(roomText.filter((t) => re.test(t))).toEqual([]);
  });
});
