import { DomainError } from '../../src/domain/errors';
import { closeHazard, hazardByNumber, openHazard } from '../../src/services/hazards/hazards';
import { fixHazard } from '../../src/services/inspection/submit-photo';
import type { BotContext, Handler, HandlerTable } from '../bot-context';
import { photoReply } from './inspection';
import { monthDay } from '../../src/domain/date-format';

const day = (ctx: BotContext, d: Date) => monthDay(ctx.lng, ctx.deps.timeZone, d);

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
      const by = ctx.permit('hazards:open');
      const group = ctx.requireGroup();
      const house = await ctx.deps.store.houses.findOne({ code: cmd.houseCode, groupId: group.id });
      if (!house) throw new DomainError('house_not_in_group', cmd.houseCode, { code: cmd.houseCode });
      const h = await openHazard(ctx.deps, { house, description: cmd.text, days: cmd.days, by: by.id });
      const owner = house.contactId ? await ctx.deps.store.contacts.get(house.contactId) : null;
      return { text: ctx.t('hazard.opened', { number: h.number, code: house.code, text: h.description, deadline: day(ctx, h.deadline) }), mentions: owner ? [owner.wechatId] : [] };
    },
    fixed,
    close: async (ctx, cmd) => {
      const hazard = await hazardByNumber(ctx.deps, cmd.number);
      if (hazard.groupId !== ctx.requireGroup().id) throw new DomainError('hazard_not_found', String(cmd.number), { number: cmd.number });
      const h = await closeHazard(ctx.deps, { hazard, by: ctx.speaker.actors });
      // closed before this message (a repeated 销号): said plainly, without calling the landlord again
      if (hazard.status === 'closed') return { text: ctx.t('hazard.already_closed', { number: h.number, code: h.houseCode }) };
      const owner = (await ctx.deps.store.houses.get(h.houseId))?.contactId;
      const contact = owner ? await ctx.deps.store.contacts.get(owner) : null;
      return { text: ctx.t('hazard.closed', { number: h.number, code: h.houseCode }), mentions: contact ? [contact.wechatId] : [] };
    },
  },
  private: { fixed },
};
