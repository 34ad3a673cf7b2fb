/**
 * Issue 10, hazards: from 隐患 to 销号 through the real Wechaty bot on the mock puppet, with
 * the clock moved for the day-before reminder and the overdue notices, and `进度` and the
 * figures agreeing at every step.
 */
import { issueBindCode } from '../../src/services/groups/bind-codes';
import { getStats } from '../../src/services/figures/get-stats';
import { ensureDefaultSchedules, runDueSchedules } from '../../src/scheduler/schedule-runner';
import { botFixture, SAMPLE_GROUP, SAMPLE_LANDLORDS, type BotFixture } from '../support/bot-fixture';
import request from 'supertest';
import { createApp } from '../../src/http/create-app';
import { generateToken, hashToken } from '../../src/services/access/tokens';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Store } from '../../src/storage/store';
import { depsFor } from '../support/fixtures';
import { uniqueJpeg } from '../support/images';

/** The API as a (re)started process would serve it: its own connection to the bot's database. */
async function apiOver(store: Store) {
  const deps = depsFor(store);
  const app = createApp({ ...deps, demo: true, botStatus: () => ({ puppet: 'wechaty-puppet-mock', loggedIn: true }) });
  const user = (await store.users.findOne({ role: 'staff', scope: 'street' })) ?? (await store.users.insert({ name: '街道工作人员', role: 'staff', scope: 'street', contactId: null, active: true }));
  const token = generateToken();
  await store.tokens.insert({ userId: user.id, hash: hashToken(token), label: 'test', lastUsedAt: null, revokedAt: null });
  return { server: app.callback(), auth: { Authorization: `Bearer ${token}` } };
}

const GROUP = SAMPLE_GROUP;
const NAMES = SAMPLE_LANDLORDS;
type F = BotFixture;

let f: F;
let landlords: ReturnType<F['contact']>[];
let staff: ReturnType<F['contact']>;
let room: ReturnType<F['room']>;
let groupId: string;
const head = () => landlords[2]!; // P00003

async function schedules() {
  return runDueSchedules(f.deps);
}
const stats = async () => getStats(f.deps, { level: 'group', groupId, label: `group:${groupId}` }, '2026-11');
const progressLine = async (code: string) => (await f.say(landlords[0]!, '进度', room))[0]!.text.split('\n').find((l) => l.includes(code))!;

beforeAll(async () => {
  f = await botFixture();
  landlords = NAMES.map((n) => f.contact(n));
  staff = f.contact('网格员小张');
  room = f.room(GROUP, [...landlords, staff]);
  groupId = (await f.store.groups.findOne({ name: GROUP }))!.id;
  await f.say(landlords[0]!, `绑定群 ${(await issueBindCode(f.deps, 'group', groupId)).code}`, room);
  for (const [i, who] of landlords.slice(0, 5).entries()) await f.register(who, `P0000${i + 1}`, room);
  const user = await f.store.users.insert({ name: '网格员小张', role: 'staff', scope: 'street', contactId: null, active: true });
  await f.say(staff, `绑定工作人员 ${(await issueBindCode(f.deps, 'staff', user.id)).code}`, f.self);
  await ensureDefaultSchedules(f.deps);
});
afterAll(async () => { await f?.close(); });

describe('a hazard from 隐患 to 销号 (issue 10)', () => {
  it('the head opens a hazard: the landlord is @mentioned with its number and deadline, phone numbers masked', async () => {
    const [r] = await f.say(head(), '隐患 P00002 楼道堆放杂物，有事打13812345678 3天', room);
    expect(r!.text).toContain('隐患 #1：P00002 楼道堆放杂物');
    expect(r!.text).toContain('11/18 前整改');
    expect(r!.text).toContain('138****5678');
    expect(r!.mentions).toEqual([landlords[1]!.id]);
    expect(await stats()).toMatchObject({ hazardsOpen: 1, hazardsOverdue: 0 });
  });

  it('a landlord cannot open or close hazards; the head cannot close one on their own house', async () => {
    expect((await f.say(landlords[0]!, '隐患 P00002 电线老化', room))[0]!.text).toContain('只有户长或工作人员');
    expect((await f.say(landlords[1]!, '销号 1', room))[0]!.text).toContain('只有户长或工作人员');
    const [opened] = await f.say(staff, '隐患 P00003 灭火器过期', room);
    expect(opened!.text).toContain('隐患 #2');
    expect((await f.say(head(), '销号 2', room))[0]!.text).toContain('需由工作人员审核');
    expect((await f.store.hazards.findOne({ number: 2 }))!.status).toBe('open');
  });

  it('the day before the deadline the landlord is reminded; after it, the head in the group and the staff privately', async () => {
    f.deps.clock.set('2026-11-17T01:30:00Z'); // 09:30 on the 17th in Shanghai; #1 is due on the 18th
    await schedules();
    const h1 = (await f.store.hazards.findOne({ number: 1 }))!;
    await f.sent(`hazard:remind:${h1.id}`);
    const reminder = f.inRoom(room.id).at(-1)!;
    expect(reminder.text).toContain('隐患 #1（P00002）明天');
    expect(reminder.mentions).toEqual([landlords[1]!.id]);

    f.deps.clock.set('2026-11-19T01:30:00Z'); // past the deadline
    await schedules();
    await f.sent(`hazard:overdue:${h1.id}`);
    const overdue = f.inRoom(room.id).find((s) => s.text.includes('隐患 #1（P00002）已超过整改期限'))!;
    expect(overdue.mentions).toEqual([head().id]);
    const user = (await f.store.users.findOne({ name: '网格员小张' }))!;
    await f.sent(`hazard:overdue:${h1.id}:user:${user.id}`);
    expect(f.said.some((s) => s.listenerId === staff.id && s.text.includes('超期隐患 #1'))).toBe(true);
    // a second run, or a restart, posts nothing again
    const before = f.sentKeys.length;
    f.deps.clock.set('2026-11-20T01:30:00Z');
    await schedules();
    await f.say(landlords[0]!, '帮助', room); // a probe: once answered, anything queued before it has gone out
    expect(f.sentKeys.slice(before).filter((k) => k.startsWith('hazard:'))).toEqual([]);
    expect(await progressLine('P00002')).toContain('⚠');
    expect(await stats()).toMatchObject({ hazardsOpen: 2, hazardsOverdue: 1 }); // #2 (7 days) is due on the 22nd
  });

  it('the landlord sends 整改 then a photo; the head closes it', async () => {
    expect((await f.say(landlords[0]!, '整改 1', room))[0]!.text).toContain('不是您房屋的隐患');
    expect((await f.say(landlords[1]!, '整改 1', room))[0]!.text).toContain('请发送隐患 #1');
    const [got] = await f.photo(landlords[1]!, uniqueJpeg(), room);
    expect(got!.text).toContain('已收到隐患 #1（P00002）的整改照片');
    expect((await f.store.hazards.findOne({ number: 1 }))!).toMatchObject({ status: 'rectified', evidencePhotoIds: [expect.any(String)] });
    const [closed] = await f.say(head(), '销号 1', room);
    expect(closed!.text).toContain('隐患 #1（P00002）已核实销号');
    expect(closed!.mentions).toEqual([landlords[1]!.id]);
    // said again (twice at once, as people do): answered plainly, the landlord not called again
    const again = await Promise.all([f.say(head(), '销号 1', room), f.say(head(), '销号 1', room)]);
    for (const [r] of again) expect(r).toMatchObject({ text: expect.stringContaining('早已销号'), mentions: [] });
    const h = (await f.store.hazards.findOne({ number: 1 }))!;
    expect(h).toMatchObject({ status: 'closed', closedBy: expect.stringMatching(/^contact:/) });
    expect(await f.store.points.count({ reason: 'hazard_closed' })).toBe(0); // closed after its deadline: no points
    expect(await progressLine('P00002')).not.toContain('⚠');
  });

  it('a photo first, then 整改 N, works too — with no inspection round open', async () => {
    const [kept] = await f.photo(head(), uniqueJpeg(), room);
    expect(kept!.text).toContain('照片已保存');
    expect((await f.say(head(), '整改 2', room))[0]!.text).toContain('已收到隐患 #2（P00003）的整改照片');
    expect((await f.say(staff, '销号 2', room))[0]!.text).toContain('已核实销号');
    expect(await stats()).toMatchObject({ hazardsOpen: 0, hazardsOverdue: 0 });
    const room2 = f.inRoom(room.id).map((s) => s.text).join('\n');
    expect(room2).not.toMatch(/1[3-9]\d{9}/);
  });

  it('帮助 shows hazard commands to the head, not 销号 to a landlord', async () => {
    expect((await f.say(head(), '帮助', room))[0]!.text).toContain('销号 编号');
    const landlord = (await f.say(landlords[1]!, '帮助', room))[0]!.text;
    expect(landlord).toContain('整改 编号');
    expect(landlord).not.toContain('销号');
  });
});

describe('积分 (issue 10)', () => {
  it('answers the sender\'s points this year and rank in the grid, as GET /points ranks them', async () => {
    await f.say(landlords[0]!, '我承诺', room);
    await f.say(landlords[1]!, '我承诺', room);
    const [r] = await f.say(landlords[0]!, '积分', room);
    // P00003's landlord has 10 for hazard #2 closed in time; P00002's 5 for committing went for hazard #1 overdue
    expect(r!.text).toContain('2026 年的积分：5 分，在本网格 10 位房东中排第 2。');
    expect((await f.say(landlords[1]!, '积分', room))[0]!.text).toContain('0 分，在本网格 10 位房东中排第 3');
    expect((await f.say(head(), '积分', room))[0]!.text).toContain('10 分');
    const [none] = await f.say(landlords[4]!, '积分', room);
    expect(none!.text).toContain('还没有积分');
    expect((await f.say(f.contact('路人甲'), '积分', f.self))[0]!.text).toContain('请先登记');
  });
});

describe('a resident\'s tip in a private chat (issue 10)', () => {
  it('takes photos before and after 举报, answers the number and the status, and never names the reporter in a group', async () => {
    const resident = f.contact('热心居民王阿姨');
    const [first] = await f.photo(resident, uniqueJpeg(), f.self);
    expect(first!.text).toContain('如要举报火灾隐患');
    await f.photo(resident, uniqueJpeg(), f.self);
    const [made] = await f.say(resident, '举报 P00004 楼道里停了三辆电动车在充电，电话13812345678', f.self);
    expect(made!.text).toContain('编号 #1（已附照片 2 张）');
    const [third] = await f.photo(resident, uniqueJpeg(), f.self);
    expect(third!.text).toContain('已附到举报 #1（3/9 张）');
    const tip = (await f.store.tips.findOne({ number: 1 }))!;
    expect(tip).toMatchObject({ status: 'new', photoIds: [expect.any(String), expect.any(String), expect.any(String)], houseId: (await f.store.houses.findOne({ code: 'P00004' }))!.id });
    expect((await f.say(resident, '举报 1', f.self))[0]!.text).toContain('正在核查');
    expect((await f.say(landlords[0]!, '举报 1', f.self))[0]!.text).toContain('没有找到您的举报');
    expect((await f.say(landlords[0]!, '举报 电线乱拉', room))[0]!.text).toContain('请私聊机器人');
    for (let i = 0; i < 4; i += 1) await f.say(resident, `举报 第${i + 2}条`, f.self);
    expect((await f.say(resident, '举报 第6条', f.self))[0]!.text).toContain('今天的举报已达 5 条');
    expect(f.inRoom(room.id).some((s) => s.text.includes('王阿姨'))).toBe(false);
  });

  it('a tip with three photos (either order) → accepted with a hazard → the reporter told → points once, through a redelivered message and a restarted API', async () => {
    const resident = f.contact('楼下租户小李');
    await f.photo(resident, uniqueJpeg(), f.self);
    const tipMsg = f.send(resident, '举报 P00006 三楼楼道堆放纸箱', f.self);
    const [made] = await f.answerTo(tipMsg);
    const number = Number(/#(\d+)/.exec(made!.text)![1]);
    await f.photo(resident, uniqueJpeg(), f.self);
    await f.photo(resident, uniqueJpeg(), f.self);
    // WeChat delivers the 举报 again: the conversation's lane handles it before the next message, and it makes nothing
    f.redeliver(tipMsg);
    expect((await f.say(resident, `举报 ${number}`, f.self))[0]!.text).toContain('正在核查');
    expect(await f.store.tips.count({ text: { in: ['P00006 三楼楼道堆放纸箱'] } })).toBe(1);
    const tip = (await f.store.tips.findOne({ number }))!;
    expect(tip.photoIds).toHaveLength(3);

    const api = await apiOver(f.store);
    const accepted = await request(api.server).post(`/api/v1/tips/${tip.id}/accept`).set(api.auth).send({ hazard: { description: '楼道堆放纸箱', days: 5 } }).expect(200);
    expect(accepted.body.hazard).toMatchObject({ houseCode: 'P00006', status: 'open' });
    expect(JSON.stringify(accepted.body)).not.toContain('小李');
    const told = await f.sent(`tip:decided:${tip.id}`);
    expect(told.contactId).toBe(resident.id);
    // the API restarts (a new process: its own connection to the same database) and the request is retried
    const again = createSqliteStore({ dataDir: f.dataDir });
    try {
      const api2 = await apiOver(again);
      const retried = await request(api2.server).post(`/api/v1/tips/${tip.id}/accept`).set(api2.auth).send({ hazard: { description: '楼道堆放纸箱', days: 5 } }).expect(200);
      expect(retried.body.hazard.id).toBe(accepted.body.hazard.id);
      expect(await again.points.count({ reason: 'tip_accepted', refId: tip.id })).toBe(1);
      expect(await again.hazards.count({ houseCode: 'P00006' })).toBe(1);
      expect(await again.outbox.count({ key: `tip:decided:${tip.id}` })).toBe(1);
    } finally { await again.close(); }
    expect((await f.say(resident, `举报 ${number}`, f.self))[0]!.text).toContain('已核实受理');
    expect(f.inRoom(room.id).some((s) => s.text.includes('小李'))).toBe(false);
  });

  it('keeps at most nine photos from a stranger who has not said 举报', async () => {
    const stranger = f.contact('陌生人乙');
    for (let i = 0; i < 10; i += 1) await f.photo(stranger, uniqueJpeg(), f.self);
    const contact = (await f.store.contacts.findOne({ wechatId: stranger.id }))!;
    expect(await f.store.photos.count({ contactId: contact.id })).toBe(9);
  });
});
