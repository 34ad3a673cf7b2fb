/**
 * Issue 25: a month of one group of ten, as older landlords use WeChat — through the real bot
 * on the mock puppet and the default schedule's posts. Photos come in bursts answered in one
 * message or named first, chatter and forwarded greeting pictures go on, the head reviews and
 * reminds twice. The record equals what the chat said; the bot's posts into the group per
 * landlord message are printed, by kind (the issue's target is 0.5).
 */
import { createHash } from 'node:crypto';
import { requiredItems } from '../../src/domain/checklist';
import { DEFAULT_SCHEDULE } from '../../src/domain/default-schedule';
import type { ChecklistItem, Schedule } from '../../src/domain/types';
import { runSchedule } from '../../src/scheduler/run-schedule';
import { issueBindCode } from '../../src/services/groups/bind-codes';
import { botFixture, proofOf, SAMPLE_GROUP, SAMPLE_LANDLORDS, type BotFixture } from '../support/bot-fixture';
import { uniqueJpeg, uniquePng } from '../support/images';

const WORD: Record<ChecklistItem, string> = { smoke: '烟感', extinguisher: '灭火器', ebike: '电动车', exit: '通道', wiring: '用电', kit: '四件套', placard: '钉牌' };
const CHATTER = ['大家好', '谢谢', '好的', '👍', '收到', '早上好', '[玫瑰][玫瑰]', '今天降温了，大家注意保暖', '辛苦了', '哈哈'];
const code = (i: number) => `P${String(i + 1).padStart(5, '0')}`;

let f: BotFixture;
afterAll(async () => { await f?.close(); }, 60_000);

it('a month of one group of ten: the record equals the chat; the bot\'s posts per landlord message are printed', async () => {
  f = await botFixture();
  f.deps.clock.set('2026-11-01T00:30:00Z'); // 08:30 in Shanghai on the 1st
  const landlords = SAMPLE_LANDLORDS.map((n) => f.contact(n));
  const room = f.room(SAMPLE_GROUP, landlords);
  const groupId = (await f.store.groups.findOne({ name: SAMPLE_GROUP }))!.id;
  let landlordMessages = 0;
  /** what a landlord meant each of their photos to be, by message id */
  const meant = new Map<string, ChecklistItem>();
  const pending: string[] = [];
  const text = (who: number, s: string) => { landlordMessages += 1; pending.push(f.send(landlords[who]!, s, room)); };
  const picture = (who: number, bytes: Buffer, item?: ChecklistItem) => {
    landlordMessages += 1;
    const id = f.sendPhoto(landlords[who]!, bytes, room);
    if (item) meant.set(id, item);
    pending.push(id);
  };
  /** every message sent so far handled, and every reply and post due sent */
  const settle = async () => {
    for (const id of pending.splice(0)) await f.handled(id);
    const due = await f.store.outbox.find({ roomId: room.id, status: { ne: 'sent' } });
    await Promise.all(due.map((e) => f.sent(e.key)));
  };
  const schedule = (name: string): Schedule => {
    const d = DEFAULT_SCHEDULE.find((s) => s.name === name)!;
    const now = f.deps.clock.now();
    return { ...d, id: name, timeZone: 'Asia/Shanghai', enabled: true, lastRunAt: null, nextRunAt: now, createdAt: now, updatedAt: now };
  };
  /** a day of the month at a Shanghai hour */
  const at = (day: number, hour: number) => new Date(Date.UTC(2026, 10, day, hour - 8, 0, 0));
  const run = async (name: string, day: number, hour: number) => {
    f.deps.clock.set(at(day, hour));
    await runSchedule(f.deps, schedule(name), at(day, hour));
    await settle();
  };

  // day 1: the head binds the room, everyone registers and most commit, some chat
  const { code: bind } = await issueBindCode(f.deps, 'group', groupId);
  text(2, `绑定群 ${bind}`);
  await settle();
  await run('monthly-round', 1, 9);
  await run('monthly-tip', 1, 10);
  f.deps.clock.set(at(1, 11));
  // half follow the binding message (code and the roster phone's last four digits in one message);
  // the others send the code and answer the question for the digits
  landlords.forEach((_, i) => {
    if (i % 2) text(i, `登记 ${code(i)} ${proofOf(code(i))}`);
    else { text(i, `登记 ${code(i)}`); text(i, proofOf(code(i))); }
  });
  landlords.forEach((_, i) => { if (i !== 9) text(i, '我承诺'); });
  CHATTER.forEach((c, i) => text(i, c));
  await settle();
  await run('daily-ranking', 1, 20);

  // days 2-11: each landlord sends the photos — bursts answered in one message, or the item named first
  const houses = await Promise.all(landlords.map((_, i) => f.store.houses.findOne({ code: code(i) })));
  for (let i = 0; i < 10; i += 1) {
    const day = 2 + i; // days 2–11 (the clock only moves forward)
    f.deps.clock.set(at(day, 12));
    const items = requiredItems(houses[i]!.isKey);
    if (i % 2 === 0) {
      items.forEach((item, n) => picture(i, n % 2 ? uniquePng() : uniqueJpeg(), item));
      text(i, items.map((_, n) => n + 1).join(' '));
    } else {
      items.forEach((item) => { text(i, WORD[item]); picture(i, uniqueJpeg(), item); });
    }
    text((i + 3) % 10, CHATTER[i]!);
    await settle();
    await run('daily-ranking', day, 20);
  }

  // day 12: a greeting picture forwarded around by landlords who are done; the head reviews and reminds twice
  f.deps.clock.set(at(12, 9));
  const greeting = uniquePng();
  for (const i of [0, 1, 3, 4]) picture(i, greeting);
  text(2, '通过 P00001');
  text(2, '通过 P00002');
  text(2, '催办');
  text(2, '催办');
  text(9, '我承诺');
  await settle();
  for (let day = 12; day <= 20; day += 1) {
    if (day === 17 || day === 19) await run('deadline-reminders', day, 10);
    await run('daily-ranking', day, 20);
  }

  // the record equals the chat: every photo filed under the item its sender meant, every house complete or approved
  for (const [id, item] of meant) expect([id, (await f.store.photos.findOne({ messageId: id }))?.item]).toEqual([id, item]);
  const subs = await f.store.submissions.find({ groupId });
  expect(subs.map((s) => s.status).sort()).toEqual([...Array(2).fill('approved'), ...Array(8).fill('complete')]);
  expect((await f.store.commitments.find({ groupId })).map((c) => c.houseCode).sort()).toEqual(landlords.map((_, i) => code(i)));
  // the greeting picture, forwarded by landlords with nothing to send, was kept nowhere
  expect(await f.store.photos.count({ sha256: createHash('sha256').update(greeting).digest('hex') })).toBe(0);

  const botPosts = f.inRoom(room.id).length;
  const ratio = botPosts / landlordMessages;
  // what the posts were: replies by what they say, and the schedule's posts by schedule
  const kinds = new Map<string, number>();
  const KINDS: [string, RegExp][] = [['bind', /本群已绑定/], ['round', /自查开始/], ['ranking', /排名|排行/], ['photo answer', /第\d+张/], ['photo question', /请回复数字/],
    ['photo named first', /📷 已收到|自查照片已齐/], ['register', /登记成功/], ['review', /审核通过|退回/], ['remind', /还差|催办/], ['commit', /承诺/]];
  for (const s of f.inRoom(room.id)) {
    const kind = KINDS.find(([, re]) => re.test(s.text))?.[0] ?? 'other';
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  if (process.env.DUMP_POSTS) process.stdout.write(f.inRoom(room.id).map((s) => `-- ${s.text}`).join("\n") + "\n");
  process.stdout.write(`issue 25 month: ${botPosts} bot posts in the group for ${landlordMessages} landlord messages = ${ratio.toFixed(2)} per message `
    + `(target 0.5) ${JSON.stringify(Object.fromEntries(kinds))}\n`);
  // the issue's target. What keeps it there: the ranking is posted only where there is something to rank
  // and only on evenings it moved (this grid has one group: none), "all done" is said once, and half the
  // landlords register in one message as the binding message shows. Each post left answers a landlord.
  expect(ratio).toBeLessThanOrEqual(0.5);
  expect(kinds.get('ranking') ?? 0).toBe(0);
}, 300_000);
