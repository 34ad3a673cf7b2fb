/**
 * Issue 3's story, so far: a group of ten landlords binds its room, registers, commits,
 * and asks for progress — through the real Wechaty bot on wechaty-puppet-mock.
 */
import { issueBindCode } from '../../src/services/bind-codes';
import { getStats } from '../../src/services/get-stats';
import { botFixture } from '../support/bot-fixture';
import { sampleRosterBytes } from '../support/fixtures';

const GROUP = '平山村第1网格联防1组';
const CODES = Array.from({ length: 10 }, (_, i) => `P${String(i + 1).padStart(5, '0')}`);
const PHONES = sampleRosterBytes().toString('utf8').split('\n').slice(1).map((l) => l.split(',')[6]).filter(Boolean) as string[];

type F = Awaited<ReturnType<typeof botFixture>>;
let f: F;
afterAll(async () => { await f?.close(); });

describe('a group of ten in WeChat', () => {
  let landlords: ReturnType<F['contact']>[];
  let room: ReturnType<F['room']>;
  let groupId: string;

  beforeAll(async () => {
    f = await botFixture();
    const names = sampleRosterBytes().toString('utf8').split('\n').slice(1, 11).map((l) => l.split(',')[5]!);
    landlords = names.map((n) => f.contact(n));
    room = f.room(GROUP, landlords);
    groupId = (await f.store.groups.findOne({ name: GROUP }))!.id;
  });

  it('says nothing to ordinary chatter, and asks an unbound room to bind first', async () => {
    expect(await f.say(landlords[0]!, '大家好，今天天气不错', room)).toEqual([]);
    expect(await f.say(landlords[1]!, '我觉得我承诺过了吧', room)).toEqual([]);
    const [r] = await f.say(landlords[0]!, '进度', room);
    expect(r!.text).toContain('绑定群');
  });

  it('binds the room with a single-use code', async () => {
    const { code } = await issueBindCode(f.deps, 'group', groupId);
    const [r] = await f.say(landlords[2]!, `@安心房东\u2005绑定群 ${code.toLowerCase()}`, room);
    expect(r!.text).toContain(`“${GROUP}”（10户）`);
    expect((await f.store.groups.get(groupId))!.roomId).toBe(room.id);
    const [again] = await f.say(landlords[2]!, `绑定群 ${code}`, room);
    expect(again!.text).toContain('已绑定');
  });

  it('registers all ten landlords, each @mentioned with their house and the letter', async () => {
    for (const [i, who] of landlords.entries()) {
      const [r] = await f.say(who, `登记 ${CODES[i]!.toLowerCase()}`, room);
      expect(r!.text).toContain(`登记成功：${CODES[i]}`);
      expect(r!.text).toContain('消防安全承诺书');
      expect(r!.mentions).toEqual([who.id]);
    }
    expect(await f.store.houses.count({ groupId, contactId: { ne: null } })).toBe(10);
    const [dup] = await f.say(landlords[0]!, '登记 P00001', room);
    expect(dup!.text).toContain('已登记');
    const [wrong] = await f.say(landlords[0]!, '登记 S00011', room);
    expect(wrong!.text).toContain('不属于本联防组');
  });

  it('takes seven commitments, with the tally; a second one is thanked, not counted', async () => {
    let last = '';
    for (const who of landlords.slice(0, 7)) last = (await f.say(who, '我承诺', room))[0]!.text;
    expect(last).toContain('本组已承诺 7/10');
    const [again] = await f.say(landlords[0]!, 'I commit', room);
    expect(again!.text).toContain('已承诺过');
    expect(again!.text).toContain('7/10');
    expect((await f.store.points.count({ reason: 'commitment' }))).toBe(7);
  });

  it('handles a redelivered message once', async () => {
    const before = f.inRoom(room.id).length;
    landlords[7]!.say('我承诺').to(room);
    await f.settle();
    const reply = f.said[f.said.length - 1]!;
    expect(reply.text).toContain('8/10');
    const original = f.demo.mocker.cacheMessagePayload;
    const mine = [...original.values()].filter((p) => p.talkerId === landlords[7]!.id && p.text === '我承诺');
    expect(mine).toHaveLength(1);
    f.demo.puppet.emit('message', { messageId: mine[0]!.id }); // Wechaty redelivers after a reconnect
    await f.settle();
    expect(f.inRoom(room.id).length).toBe(before + 1);
    expect(await f.store.commitments.count({ groupId })).toBe(8);
  });

  it('lists all ten houses in 进度, with their state and no personal data', async () => {
    const [r] = await f.say(landlords[9]!, '进度', room);
    const lines = r!.text.split('\n');
    for (const code of CODES) expect(lines.some((l) => l.includes(code))).toBe(true);
    expect(lines.filter((l) => l.startsWith('✅'))).toHaveLength(8);
    expect(lines.filter((l) => l.startsWith('⏳'))).toHaveLength(2);
    expect(r!.text).toContain('已承诺 8/10');
    expect(r!.text).not.toContain('平山村东港路'); // addresses shortened to road and number
  });

  it('lets only the head or staff confirm a contested registration', async () => {
    const newcomer = f.contact('新房东');
    f.demo.mocker.RoomMock.load(room.id).payload.memberIdList.push(newcomer.id); // joins the room
    const [pending] = await f.say(newcomer, '登记 P00010', room);
    expect(pending!.text).toContain('确认登记 P00010');
    const [refused] = await f.say(landlords[0]!, '确认登记 P00010', room);
    expect(refused!.text).toContain('只有户长或工作人员');
    const [ok] = await f.say(landlords[2]!, '确认登记 P00010', room); // P00003's landlord is the head
    expect(ok!.text).toContain('P00010 的登记已生效');
    expect(ok!.mentions).toEqual([newcomer.id]);
    const contact = await f.store.contacts.findOne({ wechatId: newcomer.id });
    expect((await f.store.houses.findOne({ code: 'P00010' }))!.contactId).toBe(contact!.id);
  });

  it('shows each role its commands in 帮助', async () => {
    const [landlordHelp] = await f.say(landlords[0]!, '帮助', room);
    expect(landlordHelp!.text).toContain('我承诺');
    expect(landlordHelp!.text).not.toContain('退回');
    const [headHelp] = await f.say(landlords[2]!, 'help', room);
    expect(headHelp!.text).toContain('退回 房屋编号 原因');
  });

  it('links a staff member in a private chat; the code works once', async () => {
    const user = await f.store.users.insert({ name: '网格员小王', role: 'staff', scope: 'street', contactId: null, active: true });
    const { code } = await issueBindCode(f.deps, 'staff', user.id);
    const staff = f.contact('小王');
    const [r] = await f.say(staff, `绑定工作人员 ${code}`, f.self);
    expect(r!.text).toContain('网格员小王');
    const [reused] = await f.say(staff, `绑定工作人员 ${code}`, f.self);
    expect(reused!.text).toContain('绑定码无效');
    expect((await f.store.users.get(user.id))!.contactId).not.toBeNull();
  });

  it('agrees with GET /stats, and never said a phone number', async () => {
    const s = await getStats(f.deps, { level: 'group', groupId, label: `group:${groupId}` }, '2026-11');
    expect(s).toMatchObject({ houses: 10, committed: 8 });
    const all = f.said.map((m) => m.text).join('\n');
    for (const phone of PHONES) expect(all).not.toContain(phone);
  });
});
