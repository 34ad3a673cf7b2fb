/**
 * Issue 25: the bot in landlords' own words, through real Wechaty on the mock puppet. One
 * regression per finding of the month played through the simulator: commitments in people's
 * own words, 好的 after the bot asked, item words the bot prints itself, questions that got
 * nothing, a lone "?", the head's words. Every wait is for an event (a message handled, a reply sent).
 */
import { requiredItems } from '../../src/domain/checklist';
import { issueBindCode } from '../../src/services/groups/bind-codes';
import { openRound } from '../../src/services/inspection/open-round';
import { botFixture, type BotFixture } from '../support/bot-fixture';
import { sampleRosterBytes } from '../support/fixtures';
import { seededJpeg } from '../support/images';

const GROUP = '平山村第1网格联防1组';
const ROSTER = sampleRosterBytes().toString('utf8').split('\n').slice(1, 11).map((l) => l.split(','));
const CODES = ROSTER.map((r) => r[3]!);
const WORD = { smoke: '烟感', extinguisher: '灭火器', ebike: '电动车', exit: '通道', wiring: '用电', kit: '四件套', placard: '钉牌' } as const;
const HEAD = 2; // P00003 is the head's house

describe('issue 25: the bot in landlords\' own words', () => {
  let f: BotFixture;
  let landlords: ReturnType<BotFixture['contact']>[];
  let room: ReturnType<BotFixture['room']>;
  const t = (key: string, o?: Record<string, unknown>) => f.t(`bot:${key}`, { lng: 'zh-CN', ...o });
  const text = async (p: Promise<{ text: string }[]>) => (await p).map((s) => s.text).join('\n');
  const committed = async (code: string) => (await f.store.commitments.count({ houseCode: code })) > 0;

  beforeAll(async () => {
    f = await botFixture();
    landlords = ROSTER.map((r) => f.contact(r[5]!));
    room = f.room(GROUP, landlords);
    const groupId = (await f.store.groups.findOne({ name: GROUP }))!.id;
    await openRound(f.deps, { period: '2026-11', deadline: new Date('2026-11-20T15:59:59Z'), scope: 'street', by: 'test' });
    const { code } = await issueBindCode(f.deps, 'group', groupId);
    await f.say(landlords[0]!, `绑定群 ${code}`, room);
    for (let i = 0; i < 10; i += 1) await f.register(landlords[i]!, CODES[i]!, room);
  }, 180_000);
  afterAll(() => f.close());

  it('a lone "?", a 👍, 哈哈 and a greeting in the group get silence (the command list is no longer posted for "?")', async () => {
    for (const chat of ['?', '？', '👍', '哈哈', '你好', '谢谢大家', '[强]', '承诺书在哪里看', '我觉得我承诺过了']) {
      expect(await f.say(landlords[5]!, chat, room)).toEqual([]);
    }
    expect(await committed(CODES[5]!)).toBe(false);
  });

  it('commitments in people\'s own words count, each for its sender only', async () => {
    const wordings = ['我成诺', '我承諾', '我承诺👍', '我承诺[玫瑰]', '我承诺，一定做好消防安全', '本人承诺遵守', '我 承 诺', '同意'];
    for (const [n, words] of wordings.entries()) {
      const i = n < HEAD ? n : n + 1; // the head commits last
      const reply = await text(f.say(landlords[i]!, words, room));
      expect(reply).toContain('✅');
      expect(await committed(CODES[i]!)).toBe(true);
    }
    // a 接龙 with the lines of others above: only the sender commits
    const chain = `#接龙 消防承诺\n1. ${ROSTER[0]![5]} 我承诺\n2. ${ROSTER[9]![5]} 我承诺`;
    expect(await text(f.say(landlords[HEAD]!, chain, room))).toContain(CODES[HEAD]!);
    expect(await committed(CODES[HEAD]!)).toBe(true);
    expect(await committed(CODES[9]!)).toBe(false);
    // 同意 again from someone whose house is committed: chat, silence
    expect(await f.say(landlords[0]!, '同意', room)).toEqual([]);
  });

  it('好的 right after the bot asked gets one confirming question; 1 then commits; 好的 unasked is silence', async () => {
    const i = 9;
    // the bot's personal answer asks them to commit (their next step)
    expect(await text(f.say(landlords[i]!, '还差什么', room))).toContain(t('ask.next_commit'));
    expect(await text(f.say(landlords[i]!, '好的', room))).toContain(t('commit.confirm'));
    expect(await committed(CODES[i]!)).toBe(false);
    expect(await text(f.say(landlords[i]!, '1', room))).toContain('✅');
    expect(await committed(CODES[i]!)).toBe(true);
    expect(await f.say(landlords[i]!, '好的', room)).toEqual([]);
  });

  it('item words the bot prints itself, and common ones, name the item', async () => {
    const i = 0;
    // in a group the named item is answered once, by its photo's reply (a quiet group)
    expect(await f.say(landlords[i]!, '疏散通道/安全出口', room)).toEqual([]);
    expect(await text(f.photo(landlords[i]!, seededJpeg(`${CODES[i]}-exit`), room))).toContain(t('items.exit'));
    expect((await f.store.submissions.findOne({ houseCode: CODES[i]! }))!.items.exit).toHaveLength(1);
    // a photo first, then a short sentence with the item word while the bot waits for it
    expect(await text(f.photo(landlords[i]!, seededJpeg(`${CODES[i]}-smoke`), room))).toContain('1');
    expect(await text(f.say(landlords[i]!, '烟感已检查 👍', room))).toContain(t('items.smoke'));
    expect((await f.store.submissions.findOne({ houseCode: CODES[i]! }))!.items.smoke).toHaveLength(1);
    // the same word while nothing waits, inside chat: silence
    expect(await f.say(landlords[i]!, '楼道的灯坏了', room)).toEqual([]);
  });

  it('questions are answered from the data: 还差什么, 截止哪天 (@mention), 怎么拍, 谁还没交 for the head', async () => {
    const owed = await text(f.say(landlords[0]!, '我家还差什么？', room));
    expect(owed).toContain(CODES[0]!);
    expect(owed).toContain(t('items.extinguisher'));
    expect(owed).not.toContain(t('items.exit'));
    expect(await text(f.say(landlords[4]!, '@安心房东\u2005截止日期是哪天', room, [f.self]))).toContain('11/20');
    expect(await text(f.say(landlords[4]!, '要拍哪些照片？', room))).toContain(t('items.smoke'));
    const missing = await text(f.say(landlords[HEAD]!, '谁还没交', room));
    expect(missing).toContain(CODES[4]!);
    // a landlord asking 谁还没交 in the group, not to the bot: silence
    expect(await f.say(landlords[4]!, '谁还没交', room)).toEqual([]);
  });

  it('anyone speaking to the bot (private chat, @mention) is answered about themselves, never silence', async () => {
    const hello = await text(f.say(landlords[4]!, '你好', f.self));
    expect(hello).toContain(CODES[4]!);
    expect(await text(f.say(landlords[4]!, '幫助', f.self))).toContain(t('help.title'));
    expect(await text(f.say(landlords[4]!, '3', f.self))).toContain(CODES[4]!); // a menu number with no menu open
    expect(await text(f.say(landlords[4]!, '我要举报', f.self))).toContain('举报 描述');
    expect(await text(f.say(landlords[4]!, '这个怎么回事啊', room, [f.self]))).toContain(CODES[4]!);
    expect(await text(f.say(landlords[4]!, '机器人你好', room))).toContain(CODES[4]!);
    const stranger = f.contact('路人');
    expect(await text(f.say(stranger, '你好', f.self))).toContain('登记');
    for (const words of ['灭火器', '1', '好的', '通过', '嗯嗯嗯嗯']) expect(await text(f.say(stranger, words, f.self))).toContain('登记');
  });

  it('the head\'s words: several codes in one 通过, the code first, a bare 通过, 退回 without a reason, 退回 of an incomplete set', async () => {
    const head = landlords[HEAD]!;
    // three complete sets
    for (const i of [4, 6, 7]) {
      for (const item of requiredItems(Number(ROSTER[i]![7]) >= 10)) {
        await f.say(landlords[i]!, WORD[item], room);
        await f.photo(landlords[i]!, seededJpeg(`${CODES[i]}-${item}-all`), room);
      }
    }
    const waiting = await text(f.say(head, '通过', room));
    expect(waiting).toContain(`${CODES[4]}、${CODES[6]}、${CODES[7]}`);
    const both = await f.say(head, `通过 ${CODES[4]} ${CODES[6]}`, room);
    expect(both[0]!.text).toContain(`${CODES[4]}、${CODES[6]}`);
    const status = async (code: string) => (await f.store.submissions.findOne({ houseCode: code }))!.status;
    expect(await status(CODES[4]!)).toBe('approved');
    expect(await status(CODES[6]!)).toBe('approved');
    await f.say(head, `${CODES[7]}通过`, room);
    expect(await status(CODES[7]!)).toBe('approved');
    expect(await text(f.say(head, '通过', room))).toContain(t('review.pending_none'));
    // no reason: asked for one, nothing changes yet; someone else's words meanwhile are chat, and a command stays a command
    expect(await text(f.say(head, `退回 ${CODES[0]}`, room))).toContain('请回复退回的原因');
    expect(await status(CODES[0]!)).toBe('partial');
    expect(await f.say(landlords[5]!, '今天天气不错', room)).toEqual([]);
    expect(await text(f.say(head, '通过', room))).toContain(t('review.pending_none'));
    expect(await status(CODES[0]!)).toBe('partial');
    // the head's next words are the reason: the (incomplete) set is returned, and the text says so
    const returned = await f.say(head, '灭火器还没拍', room);
    expect(returned[0]!.text).toContain('灭火器还没拍');
    expect(returned[0]!.mentions).toContain(landlords[0]!.id);
    expect(await status(CODES[0]!)).toBe('returned');
    expect((await f.store.submissions.findOne({ houseCode: CODES[0]! }))!.returnReason).toBe('灭火器还没拍');
    // taken once: the head's next chat is chat
    expect(await f.say(head, '好的谢谢', room)).toEqual([]);
    // an approved set is not returned, and the text says why
    expect(await text(f.say(head, `退回 ${CODES[4]} 烟感照片看不清`, room))).toContain('已经审核通过，不能再退回');
    // a landlord's bare 通过 is chat
    expect(await f.say(landlords[4]!, '通过', room)).toEqual([]);
  });
});
