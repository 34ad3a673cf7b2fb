/**
 * Issue 25, items 7 and 8: a registration is proved by the roster phone's last four digits
 * (or becomes a claim), commitments and points are the holder's, and a landlord who left the
 * room is no longer @mentioned — through the real Wechaty bot on the mock puppet.
 */
import { issueBindCode } from '../../src/services/groups/bind-codes';
import { sendMockMessage } from '../../bots/demo-puppet';
import { myPoints } from '../../src/services/points/points';
import { groupProgress } from '../../src/services/inspection/group-progress';
import { quotedReply } from '../../src/domain/wechat-quote';
import { botFixture, boundSampleRoom, proofOf, SAMPLE_GROUP, type BotFixture } from '../support/bot-fixture';

type F = BotFixture;
let f: F;
let landlords: ReturnType<F['contact']>[];
let room: ReturnType<F['room']>;
const head = () => landlords[2]!; // P00003 is the head's house
const house = async (code: string) => (await f.store.houses.findOne({ code }))!;
const contactOf = async (who: { id: string }) => (await f.store.contacts.findOne({ wechatId: who.id }))!;
/** a digit string that is not the house's proof */
const wrongFor = (code: string) => String((Number(proofOf(code)) + 1) % 10_000).padStart(4, '0');

beforeAll(async () => {
  f = await botFixture();
  ({ landlords, room } = await boundSampleRoom(f));
  await f.register(head(), 'P00003', room);
});
afterAll(async () => { await f?.close(); });

describe('registration with proof (issue 25, item 7)', () => {
  it('登记 asks for the last four digits; only the person asked answers, and the digits are never repeated', async () => {
    const [ask] = await f.say(landlords[0]!, '登记 P00001', room);
    expect(ask!.text).toContain('后四位');
    expect((await house('P00001')).contactId).toBeNull();
    // the right digits from a bystander are chat: silence, and nothing registered
    expect(await f.say(landlords[1]!, proofOf('P00001'), room)).toEqual([]);
    expect((await house('P00001')).contactId).toBeNull();
    const wrong = wrongFor('P00001');
    const [no] = await f.say(landlords[0]!, wrong, room);
    expect(no!.text).toContain('还可以再试 2 次');
    expect(no!.text).not.toContain(wrong);
    const [ok] = await f.say(landlords[0]!, proofOf('P00001'), room);
    expect(ok!.text).toContain('登记成功：P00001');
    expect(ok!.text).not.toContain(proofOf('P00001'));
    expect((await house('P00001')).contactId).toBe((await contactOf(landlords[0]!)).id);
    // the audit records attempts, never the digits
    const audit = await f.store.audit.find({ target: `house:${(await house('P00001')).id}` });
    expect(JSON.stringify(audit)).not.toContain(proofOf('P00001'));
  });

  it('three wrong answers lock the house for a day and tell its staff privately', async () => {
    const user = await f.store.users.insert({ name: '社区小王', role: 'staff', scope: 'street', contactId: null, active: true });
    const staff = f.contact('小王');
    const { code } = await issueBindCode(f.deps, 'staff', user.id);
    await f.say(staff, `绑定工作人员 ${code}`, f.self);
    const typo = landlords[4]!; // a neighbour typing P00002 for P00005
    expect((await f.say(typo, '登记 P00002', room))[0]!.text).toContain('后四位');
    await f.say(typo, wrongFor('P00002'), room);
    await f.say(typo, wrongFor('P00002'), room);
    const [locked] = await f.say(typo, wrongFor('P00002'), room);
    expect(locked!.text).toContain('已暂停 24 小时');
    const notice = (await f.store.outbox.find({ contactId: staff.id })).find((e) => e.key.startsWith('register:locked:'))!;
    await f.sent(notice.key);
    expect(notice.text).toContain('P00002');
    expect(notice.text).toContain('暂停 24 小时');
    // locked even for the right person with the right digits, until the day is over
    expect((await f.say(landlords[1]!, '登记 P00002', room))[0]!.text).toContain('已暂停 24 小时');
    expect((await house('P00002')).contactId).toBeNull();
  });

  it('a house with no phone in the roster becomes a claim the head confirms', async () => {
    const h = await house('P00004');
    await f.store.landlords.update(h.landlordId, { phone: '' });
    const [claim] = await f.say(landlords[3]!, '登记 P00004', room);
    expect(claim!.text).toContain('确认登记 P00004');
    expect((await house('P00004')).pendingContactId).toBe((await contactOf(landlords[3]!)).id);
    const [ok] = await f.say(head(), '确认登记 P00004', room);
    expect(ok!.text).toContain('已确认');
    expect((await house('P00004')).contactId).toBe((await contactOf(landlords[3]!)).id);
  });
});

describe('ownership (issue 25, item 8)', () => {
  it('after a transfer the buyer has not committed, the seller keeps their points, a pending claimant hears the claim waits', async () => {
    const seller = landlords[5]!;
    const buyer = f.contact('买房人');
    f.demo.mocker.RoomMock.load(room.id).payload.memberIdList.push(buyer.id);
    await f.register(seller, 'P00006', room);
    expect((await f.say(seller, '我承诺', room))[0]!.text).toContain('已收到承诺');
    expect((await f.say(buyer, '登记 P00006', room))[0]!.text).toContain('确认登记 P00006');
    const [waits] = await f.say(buyer, '我承诺', room);
    expect(waits!.text).toContain('等待户长或工作人员确认');
    expect(waits!.text).not.toContain('请先登记');
    await f.say(head(), '确认登记 P00006', room);
    // 进度 and 催办 read the same tally: the seller's commitment is not the buyer's
    const group = (await f.store.groups.findOne({ name: SAMPLE_GROUP }))!;
    const line = async () => (await groupProgress(f.deps, group)).houses.find((l) => l.code === 'P00006')!;
    expect((await line()).committed).toBe(false);
    const [fresh] = await f.say(buyer, '积分', room);
    expect(fresh!.text).toContain('还没有积分');
    const [committed] = await f.say(buyer, '我承诺', room);
    expect(committed!.text).toContain('已收到承诺：P00006');
    expect(committed!.text).not.toContain('您已承诺过');
    expect((await line()).committed).toBe(true);
    const h = await house('P00006');
    const year = new Date().getFullYear();
    const sellerContact = await contactOf(seller);
    const buyerContact = await contactOf(buyer);
    expect((await myPoints(f.deps, { landlordId: h.landlordId, contactId: sellerContact.id, gridId: h.gridId, year })).points).toBe(5);
    expect((await myPoints(f.deps, { landlordId: h.landlordId, contactId: buyerContact.id, gridId: h.gridId, year })).points).toBe(5);
    expect(await f.store.commitments.count({ houseId: h.id })).toBe(2);
  });

  it('a landlord who leaves the room is flagged on the house and no longer @mentioned', async () => {
    const leaver = landlords[0]!; // holds P00001
    room.remove(leaver).by(head());
    await f.membersChanged('leave', room.id, leaver.id);
    expect((await house('P00001')).holderLeftAt).toBeInstanceOf(Date);
    const [reminder] = await f.say(head(), '催办', room);
    expect(reminder!.mentions).not.toContain(leaver.id);
    room.add(leaver).by(head());
    await f.membersChanged('join', room.id, leaver.id);
    expect((await house('P00001')).holderLeftAt).toBeNull();
  });
});

describe('WeChat\'s other kinds of message (issue 25, item 11)', () => {
  const send = (who: ReturnType<F['contact']>, where: Parameters<F['send']>[2], m: Parameters<typeof sendMockMessage>[3]) => f.answerTo(sendMockMessage(f.demo, who, where, m));
  const voice = { kind: 'voice' as const, file: { bytes: Buffer.from('silk'), name: 'v.silk' } };

  it('a voice to the bot asks for text or photos; in the group only when it @s the bot', async () => {
    expect((await send(landlords[0]!, f.self, voice))[0]!.text).toContain('请用文字或照片');
    expect(await send(landlords[0]!, room, voice)).toEqual([]);
    const [asked] = await send(landlords[0]!, room, { ...voice, mentionIds: [f.self.id] });
    expect(asked!.text).toContain('请用文字或照片');
    expect(asked!.mentions).toEqual([landlords[0]!.id]);
  });

  it('a sticker in the group, a forwarded link there and a recall get silence', async () => {
    expect(await send(landlords[1]!, room, { kind: 'sticker', file: { bytes: Buffer.from('gif'), name: 's.gif' } })).toEqual([]);
    expect(await send(landlords[1]!, room, { kind: 'link', text: 'https://mp.weixin.qq.com/s/abc' })).toEqual([]);
    const said = f.send(landlords[0]!, '我承诺', room);
    await f.answerTo(said);
    const before = await f.store.commitments.count({});
    expect(await send(landlords[0]!, room, { kind: 'recall', text: said })).toEqual([]);
    expect(await f.store.commitments.count({})).toBe(before);
  });

  it('a quoted reply is read as what the person wrote under the quote', async () => {
    const [r] = await f.say(head(), quotedReply('请大家回复我承诺', '户长', '我承诺'), room);
    expect(r!.text).toMatch(/承诺/);
    expect(await f.store.commitments.count({ houseCode: 'P00003' })).toBe(1);
  });
});

describe('积分 in a group reveals no tip (issue 25, item 9)', () => {
  it('the group\'s answer leaves out the points of accepted tips; the private one counts them', async () => {
    const who = landlords[0]!; // holds P00001 and committed above (5 points)
    const me = await contactOf(who);
    const h = await house('P00001');
    await f.store.points.insert({ landlordId: h.landlordId, contactId: me.id, gridId: h.gridId, reason: 'tip_accepted', amount: 20, refId: 'tip-in-test' });
    const [inGroup] = await f.say(who, '积分', room);
    expect(inGroup!.text).toContain('5 分');
    expect(inGroup!.text).not.toContain('25');
    const [privately] = await f.say(who, '积分', f.self);
    expect(privately!.text).toContain('25 分');
  });
});
