import { reminder } from '../../src/render/messages';
import { noticePost } from '../../src/render/notices';
import { dateFormat } from '../../src/domain/date-format';
import { isDomainError } from '../../src/domain/errors';
import { remindNow } from '../../src/services/inspection/remind-missing';
import { askReturnReason, awaitingReview, returnWithReason, review } from '../../src/services/inspection/review-submission';
import type { BotContext, Handler, HandlerTable, Reply } from '../bot-context';
import { aboutSpeaker } from './conversation';

/** the room's group as the place its head or staff act in */
export const roomPlace = (ctx: BotContext) => {
  const g = ctx.requireGroup();
  return { level: 'group' as const, communityId: g.communityId, gridId: g.gridId, groupId: g.id, room: true };
};

/** The room is told by the reply itself: the review's notice, in the room's language. */
async function reviewIn(ctx: BotContext, houseCode: string, action: 'approve' | 'return', reason?: string): Promise<Reply | null> {
  const r = await review(ctx.deps, { houseCode, within: roomPlace(ctx), by: ctx.speaker.actors, action, reason });
  return r.notices[0] ? noticePost(ctx.deps, { ...r.notices[0], lng: ctx.lng }) : null;
}

/**
 * `通过 PD0001 PD0002` (or `PD0001通过`): each code reviewed on its own; one reply says which
 * were approved (their landlords @mentioned) and, for each that was not, why.
 */
const approve: Handler<'approve'> = async (ctx, cmd) => {
  if (!cmd.more?.length) return reviewIn(ctx, cmd.houseCode, 'approve');
  ctx.permit('submissions:review');
  const done: string[] = [];
  const mentions: string[] = [];
  const failed: string[] = [];
  for (const code of [cmd.houseCode, ...cmd.more]) {
    try {
      const r = await review(ctx.deps, { houseCode: code, within: roomPlace(ctx), by: ctx.speaker.actors, action: 'approve' });
      done.push(code);
      mentions.push(...(r.notices[0]?.mentions ?? []));
    } catch (e) {
      if (!isDomainError(e)) throw e;
      failed.push(ctx.t('review.not_done', { code, why: ctx.t(`errors.${e.code}`, { code, ...e.params }) }));
    }
  }
  const lines = [...(done.length ? [ctx.t('review.approved_many', { codes: done.join('、') })] : []), ...failed];
  return { text: lines.join('\n'), mentions: [...new Set(mentions)] };
};

/**
 * `退回 PD0001` without a reason: the reason is asked for (the landlord must know what to take
 * again), and the reviewer's next words in the room are taken as it (`returnReason`).
 */
const giveBack: Handler<'return'> = async (ctx, cmd) => {
  if (!cmd.reason) {
    await askReturnReason(ctx.deps, { houseCode: cmd.houseCode, within: roomPlace(ctx), by: ctx.speaker.actors, said: ctx.said });
    return ctx.answer(ctx.t('review.ask_reason', { code: cmd.houseCode }));
  }
  return reviewIn(ctx, cmd.houseCode, 'return', cmd.reason);
};

/** The words after a bare `退回`: the reason, and the return is made. From anyone not asked, chat. */
const returnReason: Handler<'returnReason'> = async (ctx, cmd) => {
  const r = await returnWithReason(ctx.deps, { said: ctx.said, reason: cmd.reason, within: roomPlace(ctx), by: ctx.speaker.actors });
  return r?.notices[0] ? noticePost(ctx.deps, { ...r.notices[0], lng: ctx.lng }) : null;
};

/** A bare `通过`: what waits for review in this group. From anyone else it is chat. */
const pendingReview: Handler<'pendingReview'> = async (ctx) => {
  if (!ctx.group || !ctx.can('submissions:review')) return ctx.addressed ? aboutSpeaker(ctx, 'unknown') : null;
  const w = await awaitingReview(ctx.deps, { within: roomPlace(ctx), by: ctx.speaker.actors });
  const lines = [
    w.codes.length ? ctx.t('review.pending_list', { count: w.codes.length, codes: w.codes.join('、') }) : ctx.t('review.pending_none'),
  ];
  if (w.forStaff.length) lines.push(ctx.t('review.pending_staff', { codes: w.forStaff.join('、') }));
  return ctx.answer(lines.join('\n'));
};

/** `通过`, `退回`, `催办`: the head's and staff's work in the room. */
export const reviewHandlers: HandlerTable = {
  room: {
    approve,
    return: giveBack,
    returnReason,
    pendingReview,
    remind: async (ctx) => {
      const actor = ctx.permit('rounds:remind');
      const r = await remindNow(ctx.deps, { group: ctx.requireGroup(), by: actor.id });
      if (r.status === 'sent') return reminder(ctx.t, r.missing);
      // said again within the cooldown: the one who asked is told when, the group is not @mentioned again
      const time = (d: Date) =>
        dateFormat(ctx.lng, { timeZone: ctx.deps.timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
      return ctx.answer(
        ctx.t('remind.cooling', { time: time(r.last), next: time(r.next), minutes: Math.round(ctx.deps.remindCooldownMs / 60_000) }),
      );
    },
  },
};
