/**
 * Issue 9 in WeChat: the bot asks the same permission policy as the API. A bound staff member
 * of community A broadcasts (by name) and reviews in A's groups, not in B's; a head only in
 * their own group; an ambiguous scope name gets a numbered choice.
 */
import { issueBindCode } from '../../src/services/groups/bind-codes';
import { botFixture, SAMPLE_GROUP, SAMPLE_LANDLORDS, type BotFixture } from '../support/bot-fixture';
import { sampleRosterBytes } from '../support/fixtures';

const GROUP_B = '西墅社区第1网格联防1组';
const rowsB = sampleRosterBytes().toString('utf8').split('\n').slice(1).map((l) => l.split(',')).filter((c) => c[2] === GROUP_B);

let f: BotFixture;
let A: ReturnType<BotFixture['contact']>[];
let B: ReturnType<BotFixture['contact']>[];
let staffA: ReturnType<BotFixture['contact']>;
let roomA: ReturnType<BotFixture['room']>;
let roomB: ReturnType<BotFixture['room']>;
let communityA: string;

/** a complete submission for a house in the open round, as if its landlord had sent every photo */
async function complete(code: string) {
  const h = (await f.store.houses.findOne({ code }))!;
  const round = (await f.store.rounds.findOne({ status: 'open' }))!;
  await f.store.submissions.insert({ communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, roundId: round.id, period: round.period, houseId: h.id, houseCode: h.code, status: 'complete', items: {}, returnReason: null, reviewedBy: null, reviewedAt: null });
}
const status = async (code: string) => (await f.store.submissions.findOne({ houseCode: code }))?.status;

beforeAll(async () => {
  f = await botFixture();
  A = SAMPLE_LANDLORDS.map((n) => f.contact(n));
  B = rowsB.map((c) => f.contact(c[5]!));
  staffA = f.contact('平山村网格员');
  roomA = f.room(SAMPLE_GROUP, [...A, staffA]);
  roomB = f.room(GROUP_B, [...B, staffA, A[2]!]);
  const gA = (await f.store.groups.findOne({ name: SAMPLE_GROUP }))!;
  const gB = (await f.store.groups.findOne({ name: GROUP_B }))!;
  communityA = gA.communityId;
  await f.say(A[0]!, `绑定群 ${(await issueBindCode(f.deps, 'group', gA.id)).code}`, roomA);
  await f.say(B[0]!, `绑定群 ${(await issueBindCode(f.deps, 'group', gB.id)).code}`, roomB);
  await f.register(A[2]!, 'P00003', roomA); // the head of A's group
  const user = await f.store.users.insert({ name: '平山村网格员', role: 'staff', scope: `community:${communityA}`, contactId: null, active: true });
  await f.say(staffA, `绑定工作人员 ${(await issueBindCode(f.deps, 'staff', user.id)).code}`, f.self);
  await f.store.rounds.insert({ period: '2026-11', deadline: new Date('2026-11-30T12:00:00Z'), scope: 'street', status: 'open', openedAt: f.deps.clock.now() });
  for (const code of ['P00001', 'P00002', 'P00004', rowsB[0]![3]!, rowsB[1]![3]!]) await complete(code);
});
afterAll(async () => { await f?.close(); });

describe('the bot uses the permission policy (issue 9)', () => {
  it("community A's staff approve in A's room, and are refused in B's", async () => {
    expect((await f.say(staffA, '通过 P00001', roomA))[0]!.text).toContain('P00001');
    expect(await status('P00001')).toBe('approved');
    const [refused] = await f.say(staffA, `通过 ${rowsB[0]![3]}`, roomB);
    expect(refused!.text).toContain('不在您负责的范围内');
    expect(await status(rowsB[0]![3]!)).toBe('complete');
  });

  it('a head reviews in their own group only', async () => {
    expect((await f.say(A[2]!, '退回 P00002 灭火器照片看不清', roomA))[0]!.text).toContain('P00002');
    expect(await status('P00002')).toBe('returned');
    expect((await f.say(A[2]!, `通过 ${rowsB[1]![3]}`, roomB))[0]!.text).toContain('只有户长或工作人员');
    expect(await status(rowsB[1]![3]!)).toBe('complete');
    // and 帮助 in B's room does not offer them what they cannot do there
    const [help] = await f.say(A[2]!, '帮助', roomB);
    expect(help!.text).not.toContain('通过');
  });

  it('广播 by name reaches A; B is refused; an ambiguous name gets a numbered choice', async () => {
    const [queued] = await f.say(staffA, '广播 平山村 明天上午消防检查，请在家', f.self);
    expect(queued!.text).toMatch(/1/);
    const b = (await f.store.broadcasts.findOne({ createdBy: { ne: '' } }, { createdAt: -1 }))!;
    expect(b.scope).toBe(`community:${communityA}`);
    expect((await f.say(staffA, '广播 西墅社区 测试通知', f.self))[0]!.text).toContain('不在您负责的范围内');
    expect(await f.store.broadcasts.count({})).toBe(1);
    const twin = await f.store.grids.insert({ communityId: communityA, name: '平山村' });
    const [choice] = await f.say(staffA, '广播 平山村 明天检查', f.self);
    expect(choice!.text).toContain('1. community:平山村');
    expect(choice!.text).toContain(`2. grid:平山村`);
    expect(await f.store.broadcasts.count({})).toBe(1);
    const [bygrid] = await f.say(staffA, '广播 grid:平山村 明天检查', f.self);
    expect(bygrid!.text).not.toContain('只有');
    expect((await f.store.broadcasts.findOne({ scope: `grid:${twin.id}` }))).not.toBeNull();
  });
});
