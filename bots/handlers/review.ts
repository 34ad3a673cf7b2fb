import { reminder } from '../../src/render/messages';
import { noticePost } from '../../src/render/notices';
import { dateFormat } from '../../src/domain/date-format';
import { remindNow } from '../../src/services/inspection/remind-missing';
import { review } from '../../src/services/inspection/review-submission';
import type { BotContext, HandlerTable, Reply } from '../bot-context';

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

/** `通过`, `退回`, `催办`: the head's and staff's work in the room. */
export const reviewHandlers: HandlerTable = {
  room: {
    approve: (ctx, cmd) => reviewIn(ctx, cmd.houseCode, 'approve'),
    return: (ctx, cmd) => reviewIn(ctx, cmd.houseCode, 'return', cmd.reason),
    remind: async (ctx) => {
      const actor = ctx.permit('rounds:remind');
      const r = await remindNow(ctx.deps, { group: ctx.requireGroup(), by: actor.id });
      if (r.status === 'sent') return reminder(ctx.t, r.missing);
      // said again within the cooldown: the one who asked is told when, the group is not @mentioned again
      const time = (d: Date) => dateFormat(ctx.lng, { timeZone: ctx.deps.timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
      return ctx.answer(ctx.t('remind.cooling', { time: time(r.last), next: time(r.next), minutes: Math.round(ctx.deps.remindCooldownMs / 60_000) }));
    },
  },
};
