import { DomainError } from '../../src/domain/errors';
import { reminder } from '../../src/render/messages';
import { openRoundFor } from '../../src/services/inspection/group-progress';
import { remindMissing } from '../../src/services/inspection/remind-missing';
import { reviewSubmission } from '../../src/services/inspection/review-submission';
import type { BotContext, HandlerTable, Reply } from '../bot-context';

async function review(ctx: BotContext, houseCode: string, action: 'approve' | 'return', reason?: string): Promise<Reply> {
  ctx.permit('submissions:review');
  const group = ctx.requireGroup();
  const house = await ctx.deps.store.houses.findOne({ code: houseCode, groupId: group.id });
  if (!house) throw new DomainError('house_not_in_group', houseCode, { code: houseCode });
  const round = await openRoundFor(ctx.deps, group);
  const sub = round ? await ctx.deps.store.submissions.findOne({ roundId: round.id, houseId: house.id }) : null;
  if (!round) throw new DomainError('no_open_round', houseCode);
  if (!sub) throw new DomainError('submission_incomplete', houseCode, { code: houseCode });
  await reviewSubmission(ctx.deps, { submission: sub, by: ctx.speaker.actors, action, reason });
  const owner = house.contactId ? await ctx.deps.store.contacts.get(house.contactId) : null;
  const mentions = owner ? [owner.wechatId] : [];
  return action === 'approve'
    ? { text: ctx.t('review.approved', { code: house.code }), mentions }
    : { text: ctx.t('review.returned', { code: house.code, reason }), mentions };
}

/** `通过`, `退回`, `催办`: the head's and staff's work in the room. */
export const reviewHandlers: HandlerTable = {
  room: {
    approve: (ctx, cmd) => review(ctx, cmd.houseCode, 'approve'),
    return: (ctx, cmd) => review(ctx, cmd.houseCode, 'return', cmd.reason),
    remind: async (ctx) => {
      ctx.permit('rounds:remind');
      return reminder(ctx.t, await remindMissing(ctx.deps, ctx.requireGroup()));
    },
  },
};
