import { BASE_ITEMS } from '../../src/domain/checklist';
import { monthDay } from '../../src/domain/date-format';
import type { AskTopic } from '../../src/domain/phrasings';
import { askToCommit } from '../../src/services/commitments/ask-to-commit';
import { aboutMe, type MyHouse } from '../../src/services/conversation/about-me';
import { groupProgress } from '../../src/services/inspection/group-progress';
import type { BotContext, Handler, HandlerTable, Reply } from '../bot-context';

const itemNames = (ctx: BotContext, items: readonly string[]) => items.map((i) => ctx.t(`items.${i}`)).join('、');

/** One house in a line: committed or not, what it still owes, or where its set stands. */
function houseLine(ctx: BotContext, h: MyHouse): string {
  const parts: string[] = [];
  if (!h.committed) parts.push(ctx.t('ask.not_committed'));
  if (h.submission === 'approved') parts.push(ctx.t('ask.approved'));
  else if (h.submission === 'returned') parts.push(ctx.t('ask.returned', { reason: h.returnReason ?? '' }));
  else if (h.round && h.owed.length > 0) parts.push(ctx.t('ask.owes', { items: itemNames(ctx, h.owed) }));
  else if (h.round) parts.push(ctx.t('ask.all_photos'));
  return `${h.code}：${parts.join('，') || ctx.t('ask.next_done')}`;
}

/**
 * The personal answer to anyone speaking to the bot (SPEC §3: never silent when spoken to):
 * their houses, what each still owes, the deadline and the next step — led by what they asked.
 */
async function aboutSpeaker(ctx: BotContext, topic: AskTopic): Promise<Reply> {
  const me = await aboutMe(ctx.deps, ctx.speaker);
  const lines: string[] = [];
  if (topic === 'hello' || topic === 'unknown') lines.push(ctx.t('ask.hello'));
  if (topic === 'howto') lines.push(ctx.t('ask.howto', { items: itemNames(ctx, BASE_ITEMS) }));
  if (topic === 'report') lines.push(ctx.t('ask.report'));
  if (me.next === 'register') return ctx.answer([...lines, ctx.t('ask.not_registered')].join('\n'));
  const round = me.houses.find((h) => h.round)?.round;
  lines.push(
    round
      ? ctx.t('ask.deadline_title', { period: round.period, deadline: monthDay(ctx.lng, ctx.deps.timeZone, round.deadline) })
      : ctx.t('ask.no_round'),
  );
  if (topic !== 'deadline' || me.houses.length > 1) lines.push(ctx.t('ask.owed_title'), ...me.houses.map((h) => houseLine(ctx, h)));
  const firstOwed = me.houses.find((h) => h.owed.length > 0)?.owed[0];
  const next = {
    commit: 'ask.next_commit',
    photo: 'ask.next_photo',
    redo: 'ask.next_return',
    wait: 'ask.next_wait',
    done: 'ask.next_done',
    no_round: null,
  }[me.next];
  if (next) lines.push(ctx.t(next, { item: firstOwed ? ctx.t(`items.${firstOwed}`) : '' }));
  // told to commit: `好的` from them now gets the confirming question
  if (me.next === 'commit') await askToCommit(ctx.deps, ctx.said);
  return ctx.answer(lines.join('\n'));
}

/** 谁还没交, for the head and staff: each house still owing, and what. */
async function whoIsMissing(ctx: BotContext): Promise<Reply | null> {
  const group = ctx.requireGroup();
  const p = await groupProgress(ctx.deps, group);
  const behind = p.houses.filter((h) => h.mark !== '✅');
  if (behind.length === 0) return ctx.answer(ctx.t('ask.all_done'));
  const what = (h: (typeof behind)[number]) => {
    if (!h.registered) return ctx.t('ask.unregistered');
    const parts: string[] = [];
    if (!h.committed) parts.push(ctx.t('ask.not_committed'));
    if (p.round && h.submission === 'complete') parts.push(ctx.t('ask.all_photos'));
    else if (p.round && h.submission === 'returned') parts.push(ctx.t('progress.returned'));
    else if (p.round) parts.push(ctx.t('progress.photos', { done: h.itemsDone, required: h.itemsRequired }));
    return parts.join('，');
  };
  return ctx.answer(
    ctx.t('ask.who_missing', {
      count: behind.length,
      lines: behind.map((h) => ctx.t('ask.missing_line', { code: h.code, what: what(h) })).join('\n'),
    }),
  );
}

const ask: Handler<'ask'> = async (ctx, cmd) => {
  if (cmd.topic === 'who_missing') {
    if (ctx.group && ctx.can('submissions:review')) return whoIsMissing(ctx);
    if (!ctx.addressed) return null;
  }
  return aboutSpeaker(ctx, cmd.topic);
};

/** Questions in people's own words, and anything said to the bot that has no other meaning. */
export const conversationHandlers: HandlerTable = {
  room: { ask },
  private: { ask },
};

export { aboutSpeaker };
