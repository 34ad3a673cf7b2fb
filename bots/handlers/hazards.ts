import { noticePost } from '../../src/render/notices';
import type { NoticeData } from '../../src/services/sending/notifier';
import { closeHazard, hazardByNumber, openHazard } from '../../src/services/hazards/hazards';
import { fixHazard } from '../../src/services/inspection/submit-photo';
import type { BotContext, Handler, HandlerTable, Reply } from '../bot-context';
import { photoReply } from './inspection';
import { roomPlace } from './review';

/** The room is told by the reply itself: the service's notice to this room, said once. */
const asReply = (ctx: BotContext, notices: readonly NoticeData[]): Reply | null =>
  notices[0] ? noticePost(ctx.deps, { ...notices[0], lng: ctx.lng }) : null;

/** `整改 N`: in the room or a private chat, by the landlord of the hazard's house. */
const fixed: Handler<'fixed'> = async (ctx, cmd) => {
  const hazard = await hazardByNumber(ctx.deps, cmd.number);
  const o = await fixHazard(ctx.deps, { speaker: ctx.speaker, said: ctx.said, hazard });
  if (o.status === 'send_evidence') return ctx.answer(ctx.t('hazard.send_evidence', { number: hazard.number, code: hazard.houseCode }));
  return photoReply(ctx, o);
};

/** `隐患`, `整改`, `销号`: a hazard from its opening to its closing (SPEC §3). */
export const hazardHandlers: HandlerTable = {
  room: {
    hazard: async (ctx, cmd) => {
      const { notices } = await openHazard(ctx.deps, {
        houseCode: cmd.houseCode,
        within: roomPlace(ctx),
        by: ctx.speaker.actors,
        description: cmd.text,
        days: cmd.days,
      });
      return asReply(ctx, notices);
    },
    fixed,
    close: async (ctx, cmd) => {
      const hazard = await hazardByNumber(ctx.deps, cmd.number, roomPlace(ctx));
      const { hazard: h, notices, already } = await closeHazard(ctx.deps, { hazard, by: ctx.speaker.actors });
      // closed before this message (a repeated 销号): said plainly, without calling the landlord again
      if (already) return { text: ctx.t('hazard.already_closed', { number: h.number, code: h.houseCode }) };
      return asReply(ctx, notices);
    },
  },
  private: { fixed },
};
